package io.guardcluster.emulator.mail;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A message in a folder, as the mail server holds it. Its source is the trace fields the delivering server put in
 * front ({@code trace}, often empty) followed by the message as it arrived ({@code message}); the two are kept apart
 * so that the copies of one message in several mailboxes share the (possibly large) message bytes. Neither array is
 * ever changed.
 *
 * @param id       the IMAP UID in its folder, the API's mail id
 * @param fullname the folder's full name ({@code INBOX})
 * @param mailbox  whose mailbox ("context/user")
 * @param flags    the API's system flags (32 = seen)
 */
record StoredMail(String id, String fullname, String mailbox, byte[] trace, byte[] message, Instant received,
        Envelope envelope, AtomicInteger flags) {

    static final int FLAG_SEEN = 32;

    long size() {
        return (long) trace.length + message.length;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(trace);
        out.write(message);
    }

    /** The whole source in one array (a copy). */
    byte[] source() {
        byte[] all = new byte[trace.length + message.length];
        System.arraycopy(trace, 0, all, 0, trace.length);
        System.arraycopy(message, 0, all, trace.length, message.length);
        return all;
    }

    @Override
    public String toString() {
        return "StoredMail[" + fullname + "/" + id + ", " + size() + " bytes]";
    }
}
