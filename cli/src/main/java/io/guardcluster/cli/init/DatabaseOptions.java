package io.guardcluster.cli.init;

import picocli.CommandLine.Option;

/**
 * How the CLI reaches the cluster's database. Defaults come from the same environment variables
 * the local stack and the Kubernetes Job set, so a password need not appear on a command line.
 */
public final class DatabaseOptions {

    @Option(names = "--db-url", defaultValue = "${env:GUARD_DB_URL}", description = {
            "Database URL: jdbc:mariadb://HOST:PORT/DB, or the services' form mysql://HOST:PORT/DB (env GUARD_DB_URL)" })
    String url;

    @Option(names = "--db-user", defaultValue = "${env:GUARD_DB_USER}", description = "Database user (env GUARD_DB_USER)")
    String user;

    @Option(names = "--db-password", defaultValue = "${env:GUARD_DB_PASSWORD}", arity = "0..1", interactive = true,
            description = "Database password (env GUARD_DB_PASSWORD; give the option alone to be prompted)")
    String password;

    public DatabaseOptions() {
    }

    public DatabaseOptions(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public Database database() {
        if (url == null || url.isBlank()) {
            throw new CommandFailure(2, "no database given: pass --db-url (or set GUARD_DB_URL), e.g. jdbc:mariadb://db:3306/guard");
        }
        return new Database(Database.toJdbcUrl(url), user, password);
    }
}
