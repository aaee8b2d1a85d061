package org.cpisgateway.upload;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Header;
import org.cpisgateway.core.StoreUnavailableException;

/**
 * An upload file the folder route has found in an authority's inbox ({@code <cpis.uploads.dir>/<code>/inbox}):
 * refused unread when larger than {@code cpis.uploads.max-bytes}, else read as a stream and applied
 * ({@link PlanUpload}); its report is written to {@code done/} (or {@code error/}) as
 * {@code <timestamp>-<name>.response.json}, then the file is moved beside it as {@code <timestamp>-<name>}
 * ({@link KeptNames}). The file's name is only ever a path's last part inside the authority's folder, and text in a
 * report: it is never read as an endpoint option or an expression, so any name is taken once.
 * <p>
 * The store being unavailable leaves the file in the inbox (the route takes it again at a later poll); anything else
 * that goes wrong is reported ({@code FAILED}) and the file moved to {@code error/}, so one file can never be taken
 * over and over.
 */
public class FolderUploads {

    private static final String REPORT = KeptNames.REPORT;

    private final PlanUpload uploads;
    private final Path uploadsDir;
    private final KeptNames keptNames;
    private final ObjectMapper json = new ObjectMapper();

    /** @param uploadsDir {@code cpis.uploads.dir}: one folder per authority code below it */
    public FolderUploads(PlanUpload uploads, Path uploadsDir, Clock clock) {
        this.uploads = uploads;
        this.uploadsDir = uploadsDir.toAbsolutePath().normalize();
        this.keptNames = new KeptNames(clock);
    }

    /**
     * Takes the file the route found.
     *
     * @param path      where it is (the file consumer's {@code CamelFileAbsolutePath})
     * @param authority the authority whose inbox it is in
     * @throws StoreUnavailableException when the store could not be used: the file is left where it is
     */
    public UploadReport take(@Header("CamelFileAbsolutePath") String path, @Header(PlanUpload.AUTHORITY) String authority)
            throws IOException {
        Path authorityDir = uploadsDir.resolve(authority).normalize();
        Path file = Path.of(path).toAbsolutePath().normalize();
        if (!authorityDir.getParent().equals(uploadsDir) || !file.getParent().equals(authorityDir.resolve("inbox"))) {
            throw new IllegalArgumentException("not a file in the inbox of authority " + authority);
        }
        String name = file.getFileName().toString();
        UploadReport report = read(file, name, authority);
        Path folder = Files.createDirectories(authorityDir.resolve(report.folder()));
        String kept = keptNames.in(folder, name);
        Path part = folder.resolve("." + kept + REPORT + ".part");
        Files.write(part, json.writeValueAsBytes(report));
        move(part, folder.resolve(kept + REPORT));
        move(file, folder.resolve(kept));
        return report;
    }

    private UploadReport read(Path file, String name, String authority) throws IOException {
        long size = Files.size(file);
        if (size > uploads.maxBytes()) {
            return uploads.tooLarge(authority, "file", name, null, size);
        }
        try (Reader text = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8)) {
            return uploads.process(text, authority, "file", name, null);
        } catch (StoreUnavailableException tryAgainLater) {
            throw tryAgainLater;
        } catch (RuntimeException e) {
            return uploads.failed(authority, "file", name, null, e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException otherFileSystem) {
            Files.move(from, to);
        }
    }
}
