package io.guardcluster.filestore.file;

/** One key a file's session key is wrapped for: its address, fingerprint and PKESK packet. */
public record FileRecipient(String email, String fingerprint, byte[] eskPacket) {

    @Override
    public String toString() {
        return "FileRecipient[" + email + ", " + fingerprint + "]";
    }
}
