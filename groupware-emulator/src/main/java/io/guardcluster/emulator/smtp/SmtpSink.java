package io.guardcluster.emulator.smtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.guardcluster.emulator.ajax.OxException;
import io.guardcluster.emulator.config.EmulatorConfig;
import io.guardcluster.emulator.mail.MailDelivery;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;

/**
 * EMULATOR-ONLY: the groupware's mail system as far as Guard needs it, an SMTP server that accepts
 * every message into {@link Mailbox} (RFC 5321 minimum: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
 * QUIT; no TLS, no AUTH). key-service sends password reset mails here in the local stack; tests and
 * developers read them at {@code GET /emulator/mails}. Recipients who are users of the emulator also
 * get the message in their INBOX ({@link MailDelivery#deliverInbound}), where the mail API serves it.
 * Off unless {@code guard.emulator.smtp.port} is set.
 */
@ApplicationScoped
public class SmtpSink {

    private static final Logger LOG = Logger.getLogger(SmtpSink.class);
    private final Vertx vertx;
    private final Mailbox mailbox;
    private final MailDelivery delivery;
    private final EmulatorConfig config;
    private NetServer server;

    SmtpSink(Vertx vertx, Mailbox mailbox, MailDelivery delivery, EmulatorConfig config) {
        this.vertx = vertx;
        this.mailbox = mailbox;
        this.delivery = delivery;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.smtp().port().isEmpty()) {
            return;
        }
        server = vertx.createNetServer().connectHandler(this::session);
        server.listen(config.smtp().port().get(), "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        LOG.infof("SMTP sink listening on 127.0.0.1:%d", server.actualPort());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (server != null) {
            server.close();
        }
    }

    /** The port actually bound (tests may ask for 0). */
    public int port() {
        return server == null ? -1 : server.actualPort();
    }

    private void session(NetSocket socket) {
        Conversation conversation = new Conversation(socket);
        RecordParser lines = RecordParser.newDelimited("\r\n", conversation::line).maxRecordSize(64 * 1024);
        lines.exceptionHandler(e -> socket.close());
        socket.handler(lines);
        reply(socket, "220 groupware-emulator ESMTP (test fixture)");
    }

    private static void reply(NetSocket socket, String line) {
        socket.write(line + "\r\n");
    }

    /** One SMTP session's state. */
    private final class Conversation {
        private final NetSocket socket;
        private String from;
        private final List<String> to = new ArrayList<>();
        private Buffer data;
        private boolean tooLarge;

        Conversation(NetSocket socket) {
            this.socket = socket;
        }

        void line(Buffer buffer) {
            if (data != null) {
                dataLine(buffer);
                return;
            }
            String line = buffer.toString(StandardCharsets.UTF_8);
            String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line.toUpperCase();
            switch (verb) {
                case "EHLO" -> reply(socket, "250-groupware-emulator\r\n250 8BITMIME");
                case "HELO" -> reply(socket, "250 groupware-emulator");
                case "MAIL" -> {
                    from = address(line);
                    to.clear();
                    reply(socket, "250 OK");
                }
                case "RCPT" -> {
                    if (from == null) {
                        reply(socket, "503 MAIL first");
                    } else {
                        to.add(address(line));
                        reply(socket, "250 OK");
                    }
                }
                case "DATA" -> {
                    if (to.isEmpty()) {
                        reply(socket, "503 RCPT first");
                    } else {
                        data = Buffer.buffer();
                        tooLarge = false;
                        reply(socket, "354 end with <CRLF>.<CRLF>");
                    }
                }
                case "RSET" -> {
                    from = null;
                    to.clear();
                    reply(socket, "250 OK");
                }
                case "NOOP" -> reply(socket, "250 OK");
                case "QUIT" -> {
                    reply(socket, "221 bye");
                    socket.close();
                }
                default -> reply(socket, "502 not implemented");
            }
        }

        /** A line of the message, as bytes: 8-bit content reaches the mailboxes unchanged. */
        private void dataLine(Buffer line) {
            if (line.length() == 1 && line.getByte(0) == '.') {
                if (tooLarge) {
                    reply(socket, "552 message too large");
                } else {
                    accept(data.getBytes());
                }
                data = null;
                from = null;
                to.clear();
                return;
            }
            if (tooLarge || data.length() + line.length() > delivery.maxMessageBytes()) {
                // Read on to the end of the data, then refuse (RFC 5321 4.5.3.1.10).
                tooLarge = true;
                data = Buffer.buffer();
                return;
            }
            // Dot-stuffing (RFC 5321 4.5.2): a leading dot was doubled by the sender.
            boolean stuffed = line.length() >= 2 && line.getByte(0) == '.' && line.getByte(1) == '.';
            data.appendBuffer(stuffed ? line.slice(1, line.length()) : line).appendString("\r\n");
        }

        private void accept(byte[] message) {
            mailbox.deliver(from, List.copyOf(to), new String(message, StandardCharsets.UTF_8));
            try {
                delivery.deliverInbound(from, List.copyOf(to), message);
            } catch (OxException e) {
                // Captured above; only the mailboxes cannot take it (no header).
                LOG.infof("SMTP sink: message not delivered to mailboxes (%s)", e.code().code());
            }
            reply(socket, "250 OK: queued");
        }

        private String address(String line) {
            int open = line.indexOf('<');
            int close = line.indexOf('>', open + 1);
            return open >= 0 && close > open ? line.substring(open + 1, close).toLowerCase(java.util.Locale.ROOT) : "";
        }
    }
}
