package io.guardcluster.mailservice.guest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.jboss.logging.Logger;

import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.mailservice.config.MailConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.mutiny.core.Vertx;

/**
 * Hands a finished MIME message to the groupware's mail system by SMTP (RFC 5321: EHLO, MAIL, RCPT, DATA, QUIT), on
 * a Vert.x socket, never blocking a thread. Guests have no groupware session, so their replies go this way; the
 * message is sent byte for byte as built (quarkus-mailer would build its own MIME, which cannot carry a PGP/MIME
 * structure made elsewhere). No TLS or AUTH: the MTA is the groupware's own, inside the cluster network.
 * Not retried: after DATA the message may have been accepted.
 */
@ApplicationScoped
public class SmtpSender {

    private static final Logger LOG = Logger.getLogger(SmtpSender.class);

    private final NetClient client;
    private final MailConfig.Smtp config;

    SmtpSender(Vertx vertx, MailConfig config) {
        this.config = config.smtp();
        this.client = vertx.getDelegate().createNetClient(new NetClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, this.config.timeout().toMillis())));
    }

    /** The SMTP server refused or did not answer: the message was not sent; 503. */
    static final class SmtpUnavailableException extends GuardProblemException {
        SmtpUnavailableException(String detail) {
            super(503, "mail-system-unavailable", "Service unavailable", detail, 5);
        }
    }

    /** Sends {@code message} (CRLF lines) from {@code from} to {@code recipients}. */
    @Timeout(value = 60_000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10_000)
    public Uni<Void> send(String from, List<String> recipients, byte[] message) {
        return Uni.createFrom().completionStage(() -> conversation(from, recipients, message).toCompletionStage())
                .ifNoItem().after(config.timeout()).failWith(() -> new SmtpUnavailableException(
                        "the mail system did not answer in time; try again"))
                .onFailure(e -> !(e instanceof GuardProblemException)).transform(e -> {
                    LOG.warnf("SMTP delivery to %s:%d failed: %s", config.host(), config.port(), e.getClass().getSimpleName());
                    return new SmtpUnavailableException("the mail system cannot be reached; try again shortly");
                });
    }

    private Future<Void> conversation(String from, List<String> recipients, byte[] message) {
        return client.connect(config.port(), config.host()).compose(socket -> {
            Replies replies = new Replies(socket);
            Future<Reply> step = replies.next().compose(greeting -> expect(greeting, 220, "greeting"))
                    .compose(ok -> replies.command("EHLO " + config.heloName())).compose(r -> expect(r, 250, "EHLO"))
                    .compose(ok -> replies.command("MAIL FROM:<" + address(from) + ">")).compose(r -> expect(r, 250, "MAIL"));
            for (String recipient : recipients) {
                step = step.compose(ok -> replies.command("RCPT TO:<" + address(recipient) + ">"))
                        .compose(r -> r.code() == 251 ? Future.succeededFuture(r) : expect(r, 250, "RCPT"));
            }
            return step.compose(ok -> replies.command("DATA")).compose(r -> expect(r, 354, "DATA"))
                    .compose(ok -> {
                        socket.write(Buffer.buffer(dotStuffed(message)));
                        return replies.next();
                    })
                    .compose(r -> expect(r, 250, "end of data"))
                    .compose(ok -> replies.command("QUIT").otherwiseEmpty())
                    .<Void>mapEmpty()
                    .eventually(() -> socket.close());
        });
    }

    private static Future<Reply> expect(Reply reply, int code, String step) {
        if (reply.code() == code) {
            return Future.succeededFuture(reply);
        }
        // The reply code says enough; its text may echo addresses, so it is not passed on.
        return Future.failedFuture(new SmtpUnavailableException("the mail system refused the message (" + step + ": "
                + reply.code() + ")"));
    }

    /** An address as it may go into a command: no CR, LF, angle brackets or spaces. */
    private static String address(String address) {
        if (!address.matches("[^\\s<>]+@[^\\s<>]+")) {
            throw new IllegalArgumentException("not an address for SMTP");
        }
        return address;
    }

    /** The message with a leading dot doubled on every line (RFC 5321 4.5.2), ending in CRLF . CRLF. */
    static byte[] dotStuffed(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 64);
        boolean lineStart = true;
        for (byte b : message) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        if (!lineStart) {
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    record Reply(int code, String text) {
    }

    /** The server's replies (multi-line ones joined), handed out in order to whoever waits for the next. */
    private static final class Replies {
        private final NetSocket socket;
        private final Deque<Reply> arrived = new ArrayDeque<>();
        private final Deque<Promise<Reply>> waiting = new ArrayDeque<>();
        private Throwable failure;

        Replies(NetSocket socket) {
            this.socket = socket;
            RecordParser lines = RecordParser.newDelimited("\r\n", this::line).maxRecordSize(4096);
            lines.exceptionHandler(this::fail);
            socket.handler(lines);
            socket.exceptionHandler(this::fail);
            socket.closeHandler(v -> fail(new IllegalStateException("connection closed")));
        }

        Future<Reply> command(String line) {
            Future<Reply> reply = next();
            socket.write(line + "\r\n");
            return reply;
        }

        Future<Reply> next() {
            if (!arrived.isEmpty()) {
                return Future.succeededFuture(arrived.poll());
            }
            if (failure != null) {
                return Future.failedFuture(failure);
            }
            Promise<Reply> promise = Promise.promise();
            waiting.add(promise);
            return promise.future();
        }

        private void line(Buffer buffer) {
            String line = buffer.toString(StandardCharsets.US_ASCII);
            if (line.length() < 3 || !line.substring(0, 3).matches("[2-5][0-9][0-9]")) {
                fail(new IllegalStateException("not an SMTP reply"));
                return;
            }
            if (line.length() > 3 && line.charAt(3) == '-') {
                return; // a continuation line: only the last one completes the reply
            }
            Reply reply = new Reply(Integer.parseInt(line.substring(0, 3)), line);
            Promise<Reply> waiter = waiting.poll();
            if (waiter != null) {
                waiter.complete(reply);
            } else {
                arrived.add(reply);
            }
        }

        private void fail(Throwable e) {
            if (failure == null) {
                failure = e;
            }
            Promise<Reply> waiter;
            while ((waiter = waiting.poll()) != null) {
                waiter.tryFail(e);
            }
        }
    }
}
