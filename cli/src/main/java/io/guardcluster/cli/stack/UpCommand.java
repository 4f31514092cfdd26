package io.guardcluster.cli.stack;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "up", mixinStandardHelpOptions = true,
        header = "Run the local stack (servers and services) until ./guard down.",
        description = {
                "Run the local stack: MariaDB, Infinispan, S3Proxy (with --storage s3), the groupware backend "
                        + "emulator (a test fixture standing in for OX App Suite; demo logins "
                        + LocalStack.DEMO_LOGINS + ") and N replicas of "
                        + "key-service, mail-service, filestore-service and gateway, as processes on 127.0.0.1 "
                        + "that keep running after this command returns. Returns once every service is ready.",
                "The first up creates the cluster's master key (STATE_DIR/oxguardpass); later ones reuse "
                        + "data, master key, ports, replicas and storage mode unless told otherwise." },
        footer = {
                "",
                "Ports (default base 8000; --base-port B shifts every port by B - 8000):",
                "  gateway 8080, key-service 8081, mail-service 8082, filestore-service 8083;",
                "  replica i of each service: that port + 100*i (8180..8183, 8280..8283, ...);",
                "  groupware backend emulator 8009 (one instance);",
                "  MariaDB 13306, Infinispan 11222, S3Proxy 19000.",
                "Exit codes: 0 ready; 1 failed (what this up started is stopped again);",
                "  2 bad options; 3 refused: the stack still runs (./guard status, ./guard down);",
                "  78 STATE_DIR/oxguardpass does not belong to the stack's database." })
public final class UpCommand implements Callable<Integer> {

    @Mixin
    StackOptions stack;

    @Option(names = "--replicas", paramLabel = "N", description = "Replicas of each service, 1.."
            + StackPorts.MAX_REPLICAS + " (default: as the previous up in this state directory, else 1)")
    Integer replicas;

    @Option(names = "--storage", paramLabel = "file|s3", converter = StorageConverter.class, description =
            "Where filestore-service keeps files: 'file' (STATE_DIR/nas, standing in for the NAS) or 's3' "
                    + "(S3Proxy, bucket " + LocalStack.BUCKET + ") (default: as the previous up, else file)")
    Storage storage;

    @Option(names = "--base-port", paramLabel = "B", description = "Move every port by B - 8000, e.g. 9000: "
            + "gateway 9080, MariaDB 14306, Infinispan 12222 (default: as the previous up, else 8000)")
    Integer basePort;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return stack.run(spec, true, s -> s.up(replicas, storage, basePort));
    }

    /** Accepts file/s3 in any case (picocli's enum conversion would insist on FILE/S3). */
    static final class StorageConverter implements CommandLine.ITypeConverter<Storage> {
        @Override
        public Storage convert(String value) {
            try {
                return Storage.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected 'file' or 's3', not '" + value + "'");
            }
        }
    }
}
