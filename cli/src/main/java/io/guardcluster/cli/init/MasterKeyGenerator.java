package io.guardcluster.cli.init;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;

import io.guardcluster.common.masterkey.MasterKeyFile;
import io.guardcluster.common.masterkey.MasterKeyFingerprint;
import io.guardcluster.common.masterkey.MasterKeyRing;

/**
 * Writes a new {@code oxguardpass}: the one code path behind both {@code guard keygen} (the file alone)
 * and {@code guard init} (the file as one step of creating a cluster). Never replaces a file.
 */
public final class MasterKeyGenerator {

    private final SecureRandom random;
    private final Clock clock;

    public MasterKeyGenerator(SecureRandom random, Clock clock) {
        this.random = random;
        this.clock = clock;
    }

    /** What a successful keygen did. */
    public record Result(Path file, MasterKeyFingerprint fingerprint) {
    }

    /** {@code guard keygen}: the file only, no database. Refuses (nothing changed) if {@code file} exists. */
    public Result keygen(Path file) {
        refuseIfExists(file, "keygen", "To create a cluster with it, run 'guard init --adopt " + file + "'.");
        MasterKeyRing ring = createNew(file, "keygen", "");
        try {
            return new Result(file, ring.current().fingerprint());
        } finally {
            ring.destroy();
        }
    }

    /** Refuses, before anything is changed, to write over an existing master key file. */
    static void refuseIfExists(Path file, String command, String advice) {
        if (Files.exists(file)) {
            throw new CommandFailure(CommandFailure.REFUSED, "oxguardpass already exists at " + file
                    + ": this node already has a master key, and 'guard " + command
                    + "' never replaces one (nothing was changed). " + advice);
        }
    }

    /**
     * Generates a master key (256 bits, {@link SecureRandom}) and creates {@code file} with it: 0600, fsynced
     * under a temporary name, then linked into place ({@link MasterKeyFile#createNew}). The caller destroys the
     * returned ring.
     *
     * @param command       the command for messages ({@code init}, {@code keygen})
     * @param ifUnwritable  appended to the message when the file cannot be written (what state was left)
     */
    MasterKeyRing createNew(Path file, String command, String ifUnwritable) {
        MasterKeyRing ring = MasterKeyFile.generate(random);
        boolean created = false;
        try {
            MasterKeyFile.createNew(file, ring, clock.instant());
            created = true;
            return ring;
        } catch (FileAlreadyExistsException e) {
            throw new CommandFailure(CommandFailure.REFUSED, "oxguardpass appeared at " + file
                    + " while 'guard " + command + "' ran (another run?); it was left untouched");
        } catch (IOException e) {
            throw new CommandFailure(1, "cannot write oxguardpass to " + file + " (" + Database.firstLine(e)
                    + "): check that the directory is writable" + ifUnwritable);
        } finally {
            if (!created) {
                ring.destroy();
            }
        }
    }
}
