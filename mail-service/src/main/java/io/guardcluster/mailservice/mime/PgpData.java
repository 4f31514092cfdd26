package io.guardcluster.mailservice.mime;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * OpenPGP data found in a message (a PGP/MIME ciphertext or signature, an armored block in a text, an attachment), as
 * it was there: usually ASCII armor, sometimes binary packets (some clients put binary in {@code .pgp} attachments and,
 * against RFC 3156, in PGP/MIME parts). {@link #packets()} gives the binary form either way. Immutable.
 */
public final class PgpData {

    private final byte[] data;
    private final boolean armored;

    private PgpData(byte[] data) {
        this.data = data;
        this.armored = Armor.label(data).filter(l -> l.startsWith("PGP ")).isPresent();
    }

    /** Wraps (a copy of) data found in a message. */
    public static PgpData of(byte[] data) {
        return new PgpData(data.clone());
    }

    static PgpData owned(byte[] data) {
        return new PgpData(data);
    }

    /** Whether the data starts (after optional text) with an armor BEGIN line of OpenPGP. */
    public boolean isArmored() {
        return armored;
    }

    /** The armor label ("PGP MESSAGE", "PGP SIGNATURE", "PGP PUBLIC KEY BLOCK", ...) if armored. */
    public Optional<String> label() {
        return armored ? Armor.label(data) : Optional.empty();
    }

    /** The data as found (armored text or binary). */
    public byte[] bytes() {
        return data.clone();
    }

    /** The armored text, if armored. */
    public Optional<String> armoredText() {
        return armored ? Optional.of(new String(data, StandardCharsets.ISO_8859_1)) : Optional.empty();
    }

    /** The binary OpenPGP packets: de-armored (checksum checked if present), or the data itself if it is binary. */
    public byte[] packets() throws MimeFormatException {
        return armored ? Armor.decode(data) : data.clone();
    }

    @Override
    public String toString() {
        return "PgpData[" + data.length + " bytes" + (armored ? ", armored" : ", binary") + "]";
    }
}
