package io.guardcluster.keyservice.directory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The public key directory (HKP under {@code /pks/}, WKD under {@code /.well-known/openpgpkey/}). */
@ConfigMapping(prefix = "guard.directory")
public interface DirectoryConfig {

    /**
     * How long clients and shared caches may reuse a successful lookup ({@code Cache-Control: public,
     * max-age}). Short, so that a new or revoked key reaches correspondents soon.
     */
    @WithDefault("PT5M")
    Duration cacheMaxAge();

    Hkp hkp();

    Wkd wkd();

    interface Hkp {

        /**
         * Whether {@code /pks/add} would accept keys. Off: the directory only publishes the keys Guard
         * users generated or imported through Guard. Submission is not implemented either way; the
         * switch only changes the refusal (403 disabled vs. 501 not implemented).
         */
        @WithDefault("false")
        boolean addEnabled();
    }

    interface Wkd {

        /**
         * The mail domains WKD answers for (lower case). Unset: every domain of a stored Guard user.
         * With exactly one domain, the direct method serves it whatever Host the request names (so it
         * also works behind a proxy that does not pass the original host on).
         */
        Optional<List<String>> domains();
    }
}
