package io.guardcluster.emulator.mail;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.guardcluster.emulator.ajax.OxErrorCode;
import io.guardcluster.emulator.ajax.OxException;
import io.guardcluster.emulator.config.EmulatorConfig;
import io.guardcluster.emulator.user.DemoUser;

/**
 * EMULATOR-ONLY: the users' mailboxes in memory, the stand-in for the IMAP server behind the middleware. Each user has
 * the {@linkplain MailFolders#STANDARD standard folders}; a message gets the next UID of its folder as id. Bounded by
 * {@code guard.emulator.mail.max-stored-bytes}: a message that would exceed it pushes the oldest messages out (this
 * is a test fixture, not a mail store). Copies of one message in several mailboxes share its bytes, which are
 * counted once. All access is synchronized: the emulator holds few messages and serves few callers.
 */
@ApplicationScoped
public class MailStore {

    private static final Logger LOG = Logger.getLogger(MailStore.class);

    /** A folder: its messages by UID, in arrival order. */
    private static final class Folder {
        long nextUid = 1;
        final Map<String, StoredMail> mails = new LinkedHashMap<>();
    }

    private final long maxStoredBytes;
    private final Map<String, Map<String, Folder>> mailboxes = new HashMap<>();
    private final Deque<StoredMail> oldestFirst = new ArrayDeque<>();
    /** How many stored messages use each byte array; a shared array is counted once in {@link #storedBytes}. */
    private final Map<byte[], Integer> arrays = new IdentityHashMap<>();
    private long storedBytes;

    @Inject
    public MailStore(EmulatorConfig config) {
        this(config.mail().maxStoredBytes().asLongValue());
    }

    MailStore(long maxStoredBytes) {
        this.maxStoredBytes = maxStoredBytes;
    }

    /**
     * Stores {@code trace} + {@code message} as the next message of {@code user}'s folder {@code fullname}.
     *
     * @throws OxException MSG-0066 if there is no such folder, MSG-0059 if {@code message} has no header
     */
    public synchronized StoredMail append(DemoUser user, String fullname, byte[] trace, byte[] message, int flags) {
        String folderName = MailFolders.standard(fullname).orElseThrow(() -> new OxException(OxErrorCode.MSG_0066, fullname));
        MessageHeaders headers = MessageHeaders.parse(message).orElseThrow(() -> new OxException(OxErrorCode.MSG_0059));
        makeRoom(newBytes(trace) + newBytes(message));
        Folder folder = folder(mailbox(user), folderName);
        String id = Long.toString(folder.nextUid++);
        StoredMail mail = new StoredMail(id, folderName, mailbox(user), trace, message, Instant.now(), Envelope.of(headers),
                new AtomicInteger(flags));
        folder.mails.put(id, mail);
        oldestFirst.addLast(mail);
        hold(trace);
        hold(message);
        return mail;
    }

    public synchronized Optional<StoredMail> get(DemoUser user, String fullname, String id) {
        Folder folder = folder(mailbox(user), fullname);
        return Optional.ofNullable(folder.mails.get(id));
    }

    /** The folder's messages in UID order. */
    public synchronized List<StoredMail> list(DemoUser user, String fullname) {
        return List.copyOf(folder(mailbox(user), fullname).mails.values());
    }

    public synchronized int messageCount() {
        return oldestFirst.size();
    }

    /** Bytes held, each shared array counted once. */
    public synchronized long storedBytes() {
        return storedBytes;
    }

    private void makeRoom(long needed) {
        while (storedBytes + needed > maxStoredBytes && !oldestFirst.isEmpty()) {
            StoredMail oldest = oldestFirst.removeFirst();
            mailboxes.get(oldest.mailbox()).get(oldest.fullname()).mails.remove(oldest.id());
            release(oldest.trace());
            release(oldest.message());
            LOG.infof("Mail storage full (guard.emulator.mail.max-stored-bytes=%d): dropped the oldest message, %s of %s",
                    maxStoredBytes, oldest, oldest.mailbox());
        }
    }

    private long newBytes(byte[] array) {
        return arrays.containsKey(array) ? 0 : array.length;
    }

    private void hold(byte[] array) {
        if (arrays.merge(array, 1, Integer::sum) == 1) {
            storedBytes += array.length;
        }
    }

    private void release(byte[] array) {
        Integer left = arrays.computeIfPresent(array, (a, n) -> n == 1 ? null : n - 1);
        if (left == null) {
            storedBytes -= array.length;
        }
    }

    private Folder folder(String mailbox, String fullname) {
        return mailboxes.computeIfAbsent(mailbox, m -> new HashMap<>()).computeIfAbsent(fullname, f -> new Folder());
    }

    private static String mailbox(DemoUser user) {
        return user.contextId() + "/" + user.id();
    }
}
