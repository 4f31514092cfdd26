package io.guardcluster.common.pgp.message;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.bouncycastle.openpgp.PGPPublicKey;

import io.guardcluster.common.pgp.message.MessageFormatException.Reason;

/**
 * The encrypted session key packets at the start of a message, in order: the part of a stored message that changes
 * when it is shared ({@link #with}) or withdrawn ({@link #without}); the body never does. Immutable.
 * <p>
 * {@link #encoded()} followed by the body is a complete OpenPGP message that gpg and Sequoia read.
 */
public final class EncryptedSessionKeys {

    /** Bounds a parsed list; also what {@link SplitMessage} allows by default (RSA-4096 PKESKs are ~530 bytes). */
    static final int MAX_PACKETS = 1024;

    private final List<EncryptedSessionKey> packets;

    private EncryptedSessionKeys(List<EncryptedSessionKey> packets) {
        this.packets = List.copyOf(packets);
    }

    public static EncryptedSessionKeys of(List<EncryptedSessionKey> packets) {
        if (packets.size() > MAX_PACKETS) {
            throw new IllegalArgumentException("more than " + MAX_PACKETS + " session key packets");
        }
        return new EncryptedSessionKeys(packets);
    }

    /**
     * Parses stored session key packets (what {@link #encoded()} made, or what {@link SplitMessage} read): only
     * PKESK and SKESK packets; marker and padding packets are dropped.
     */
    public static EncryptedSessionKeys parse(byte[] packets) throws MessageFormatException {
        ByteArrayInputStream in = new ByteArrayInputStream(packets);
        List<EncryptedSessionKey> list = new ArrayList<>();
        try {
            PacketHeader header;
            while ((header = PacketHeader.read(in)) != null) {
                if (list.size() == MAX_PACKETS) {
                    throw new MessageFormatException(Reason.TOO_LARGE, "more than " + MAX_PACKETS + " session key packets");
                }
                EncryptedSessionKey packet = MessageStart.sessionKeyPacket(header, in, in.available());
                if (packet != null) {
                    list.add(packet);
                }
            }
        } catch (IOException e) {
            throw new MessageFormatException(Reason.MALFORMED, "unreadable session key packets", e);
        }
        return new EncryptedSessionKeys(list);
    }

    public List<EncryptedSessionKey> list() {
        return packets;
    }

    public int size() {
        return packets.size();
    }

    public boolean isEmpty() {
        return packets.isEmpty();
    }

    /** These packets and {@code packet} after them. */
    public EncryptedSessionKeys with(EncryptedSessionKey packet) {
        List<EncryptedSessionKey> all = new ArrayList<>(packets);
        all.add(packet);
        return of(all);
    }

    /** These packets without those {@code drop} matches. */
    public EncryptedSessionKeys without(Predicate<EncryptedSessionKey> drop) {
        return new EncryptedSessionKeys(packets.stream().filter(drop.negate()).toList());
    }

    /** These packets without those addressed to {@code key} (see {@link EncryptedSessionKey#isFor}). */
    public EncryptedSessionKeys without(PGPPublicKey key) {
        return without(packet -> packet.isFor(key));
    }

    /** Whether a packet names {@code key} as its recipient. */
    public boolean contains(PGPPublicKey key) {
        return packets.stream().anyMatch(packet -> packet.isFor(key));
    }

    /** The packets, concatenated: what goes before the body. */
    public byte[] encoded() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(packets.stream().mapToInt(EncryptedSessionKey::encodedLength).sum());
        packets.forEach(packet -> packet.writeTo(out));
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return "EncryptedSessionKeys" + packets;
    }
}
