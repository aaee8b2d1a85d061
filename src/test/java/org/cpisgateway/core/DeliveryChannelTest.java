package org.cpisgateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class DeliveryChannelTest {

    @Test
    void anEmptyCellIsTheQueue() {
        assertThat(DeliveryChannel.parseAll(null)).containsExactly(DeliveryChannel.QUEUE);
        assertThat(DeliveryChannel.parseAll("  ")).containsExactly(DeliveryChannel.QUEUE);
    }

    @Test
    void severalChannelsSeparatedBySpaces() {
        List<DeliveryChannel> channels = DeliveryChannel.parseAll(
                "queue:  https://cases.example.org/cpis?key=abc file:/srv/cpis/out "
                        + "sftp://cpis@files.example.org:2222/incoming mailto:duty@example.org");
        assertThat(channels).extracting(DeliveryChannel::kind).containsExactly(DeliveryChannel.Kind.QUEUE,
                DeliveryChannel.Kind.WEBHOOK, DeliveryChannel.Kind.FILE, DeliveryChannel.Kind.SFTP,
                DeliveryChannel.Kind.MAIL);
        assertThat(channels.get(1).shown()).isEqualTo("https://cases.example.org/cpis?…");
        assertThat(channels.get(2).address()).isEqualTo("/srv/cpis/out");
        assertThat(channels.get(3).address()).isEqualTo("cpis@files.example.org:2222/incoming");
        assertThat(channels.get(3).shown()).isEqualTo("sftp://…@files.example.org:2222/incoming");
        assertThat(channels.get(4).address()).isEqualTo("duty@example.org");
        assertThat(DeliveryChannel.parse("file:///srv/x").address()).isEqualTo("/srv/x");
    }

    @Test
    void plainHttpOnlyToThisMachine() {
        assertThat(DeliveryChannel.parse("http://127.0.0.1:8089/hook").kind()).isEqualTo(DeliveryChannel.Kind.WEBHOOK);
        assertThat(DeliveryChannel.parse("http://localhost/hook").kind()).isEqualTo(DeliveryChannel.Kind.WEBHOOK);
        assertThat(DeliveryChannel.parse("http://[::1]:80/hook").kind()).isEqualTo(DeliveryChannel.Kind.WEBHOOK);
        assertThatThrownBy(() -> DeliveryChannel.parse("http://cases.example.org/hook"))
                .hasMessageContaining("use https://");
        assertThatThrownBy(() -> DeliveryChannel.parse("http://127.0.0.1.evil.example/hook"))
                .hasMessageContaining("use https://");
    }

    @Test
    void whatIsNotAChannelSaysWhy() {
        assertThatThrownBy(() -> DeliveryChannel.parse("ftp://x/y")).hasMessageContaining("not a channel");
        assertThatThrownBy(() -> DeliveryChannel.parse("file:relative/dir")).hasMessageContaining("absolute");
        assertThatThrownBy(() -> DeliveryChannel.parse("https://user:pw@host/x")).hasMessageContaining("no user");
        assertThatThrownBy(() -> DeliveryChannel.parse("sftp://files.example.org/in")).hasMessageContaining("a user");
        assertThatThrownBy(() -> DeliveryChannel.parse("mailto:a@b.org,c@d.org")).hasMessageContaining("one e-mail");
        assertThatThrownBy(() -> DeliveryChannel.parseAll("queue: queue:")).hasMessageContaining("twice");
    }
}
