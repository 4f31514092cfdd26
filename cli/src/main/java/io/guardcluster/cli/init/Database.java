package io.guardcluster.cli.init;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.flywaydb.core.Flyway;

import io.guardcluster.common.masterkey.MasterKeyFingerprint;

/** The cluster's MySQL-compatible database as the CLI sees it: JDBC, Flyway migrations, the fingerprint table. */
public final class Database {

    /** Where the versioned migrations live (in guard-common, so every module sees the same schema). */
    static final String MIGRATIONS = "classpath:db/guard";

    private final String jdbcUrl;
    private final String user;
    private final String password;

    public Database(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /** Accepts the services' reactive form (mysql://, mariadb://) so operators can use one GUARD_DB_URL. */
    static String toJdbcUrl(String url) {
        if (url.startsWith("jdbc:")) {
            return url;
        }
        if (url.startsWith("mysql://") || url.startsWith("mariadb://")) {
            return "jdbc:mariadb://" + url.substring(url.indexOf("://") + 3);
        }
        throw new CommandFailure(2, "unsupported database URL scheme (expected jdbc:mariadb://, jdbc:mysql://, mysql:// or mariadb://)");
    }

    /** The URL without credentials or parameters, for messages. */
    public String label() {
        return jdbcUrl.replaceFirst("\\?.*$", "").replaceFirst("//[^/@]*@", "//");
    }

    public Connection connect() {
        try {
            // The driver directly, not DriverManager: DriverManager only hands out drivers visible to
            // the caller's class loader, which fails under Quarkus' per-profile test class loaders.
            Properties credentials = new Properties();
            if (user != null) {
                credentials.setProperty("user", user);
            }
            if (password != null) {
                credentials.setProperty("password", password);
            }
            Connection connection = jdbcUrl.startsWith("jdbc:mysql:")
                    ? DriverManager.getConnection(jdbcUrl, credentials)
                    : new org.mariadb.jdbc.Driver().connect(jdbcUrl, credentials);
            if (connection == null) {
                throw new SQLException("the MariaDB driver does not accept " + label());
            }
            return connection;
        } catch (SQLException e) {
            throw new CommandFailure(1, "cannot connect to database " + label() + " (" + firstLine(e)
                    + "): check --db-url, --db-user and --db-password, and that the database is up");
        }
    }

    /** Registered fingerprints by key id; empty if the schema or the rows do not exist yet. */
    public Map<Integer, MasterKeyFingerprint> registeredFingerprints(Connection connection) throws SQLException {
        Map<Integer, MasterKeyFingerprint> result = new TreeMap<>();
        try (Statement statement = connection.createStatement()) {
            // Ask the catalogue first: querying a missing table makes the driver log a warning.
            try (ResultSet exists = statement.executeQuery("SELECT COUNT(*) FROM information_schema.tables"
                    + " WHERE table_schema = DATABASE() AND table_name = 'guard_master_key'")) {
                if (!exists.next() || exists.getInt(1) == 0) {
                    return result;
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT key_id, fingerprint FROM guard_master_key")) {
                while (rows.next()) {
                    result.put(rows.getInt(1), new MasterKeyFingerprint(rows.getString(2)));
                }
            }
        }
        return result;
    }

    /** Applies pending migrations; returns how many ran. */
    public int migrate() {
        try {
            return flyway().migrate().migrationsExecuted;
        } catch (RuntimeException e) {
            throw new CommandFailure(1, "schema migration failed on " + label() + " (" + firstLine(e) + ")");
        }
    }

    Flyway flyway() {
        return Flyway.configure(Database.class.getClassLoader())
                .dataSource(jdbcUrl, user, password)
                .locations(MIGRATIONS)
                .failOnMissingLocations(true)
                .load();
    }

    static String firstLine(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
}
