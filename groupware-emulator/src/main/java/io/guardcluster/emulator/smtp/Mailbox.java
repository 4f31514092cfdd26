package io.guardcluster.emulator.smtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * EMULATOR-ONLY: the last {@value #CAPACITY} messages the SMTP sink received, oldest dropped first.
 * Understands what Guard sends (single-part text, 7bit/8bit or quoted-printable); keeps the raw source too.
 */
@ApplicationScoped
public class Mailbox {

    static final int CAPACITY = 200;

    /** A received message. */
    public record Message(Instant received, String from, List<String> to, String subject, String text, String source) {
    }

    private final Deque<Message> messages = new ArrayDeque<>();

    synchronized void deliver(String from, List<String> to, String source) {
        int split = source.indexOf("\r\n\r\n");
        String headers = split < 0 ? source : source.substring(0, split);
        String body = split < 0 ? "" : source.substring(split + 4);
        String unfolded = headers.replace("\r\n ", " ").replace("\r\n\t", " ");
        String subject = header(unfolded, "subject");
        if ("quoted-printable".equalsIgnoreCase(header(unfolded, "content-transfer-encoding"))) {
            body = quotedPrintable(body);
        }
        messages.addLast(new Message(Instant.now(), from, to, subject, body, source));
        while (messages.size() > CAPACITY) {
            messages.removeFirst();
        }
    }

    /** Messages to {@code recipient} (any, if null), oldest first. */
    public synchronized List<Message> to(String recipient) {
        return messages.stream()
                .filter(m -> recipient == null || m.to().contains(recipient.toLowerCase(Locale.ROOT))).toList();
    }

    private static String header(String headers, String name) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    private static String quotedPrintable(String encoded) {
        String joined = encoded.replace("=\r\n", "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = joined.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '=' && i + 2 < bytes.length) {
                try {
                    out.write(Integer.parseInt(new String(bytes, i + 1, 2, StandardCharsets.US_ASCII), 16));
                    i += 2;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape: keep the '='
                }
            }
            out.write(bytes[i]);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
