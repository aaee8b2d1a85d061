package org.cpisgateway.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "send", description = "Send HL7 messages over MLLP exactly as they are (a file may hold "
        + "several; LF or CRLF line ends become CR) and print each ACK. Exit code 0 when every answer is AA or "
        + "CA, 1 otherwise.")
public final class SendCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", description = "the message file; - or none: standard input")
    String file;
    @Option(names = "--host", defaultValue = "localhost")
    String host;
    @Option(names = "--port", defaultValue = "2575")
    int port;
    @Option(names = "--timeout", defaultValue = "30", description = "seconds to wait for each ACK")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        byte[] input = file == null || file.equals("-") ? System.in.readAllBytes()
                : java.nio.file.Files.readAllBytes(Path.of(file));
        List<byte[]> messages = FeedCheck.messages(input);
        boolean allAccepted = true;
        try (SendHl7 mllp = new SendHl7(host, port, timeoutSeconds * 1000)) {
            for (byte[] message : messages) {
                byte[] ack = mllp.send(message);
                System.out.println(SendHl7.readable(ack));
                if (messages.size() > 1) {
                    System.out.println();
                }
                allAccepted &= List.of("AA", "CA").contains(SendHl7.ackCode(ack));
            }
        } catch (java.io.IOException failed) {
            System.err.println("send: " + failed.getMessage());
            return 1;
        }
        return allAccepted ? 0 : 1;
    }
}
