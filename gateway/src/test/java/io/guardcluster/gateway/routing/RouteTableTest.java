package io.guardcluster.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteTableTest {

    private final RouteTable table = RouteTable.DEFAULT;

    @Test
    void routesEachPrefixToItsService() {
        assertThat(table.match("/api/keys/version")).get().extracting(Route::service).isEqualTo("key-service");
        assertThat(table.match("/api/mail/messages/1")).get().extracting(Route::service).isEqualTo("mail-service");
        assertThat(table.match("/api/files/abc")).get().extracting(Route::service).isEqualTo("filestore-service");
        assertThat(table.match("/api/guest/messages/x")).get().extracting(Route::service).isEqualTo("mail-service");
        assertThat(table.match("/pks/lookup")).get().extracting(Route::service).isEqualTo("key-service");
        assertThat(table.match("/.well-known/openpgpkey/hu/abc")).get().extracting(Route::service).isEqualTo("key-service");
    }

    @Test
    void onlyDirectoryAndGuestRoutesAreOpen() {
        assertThat(table.routes()).filteredOn(Route::open).extracting(Route::prefix)
                .containsExactlyInAnyOrder("/pks/", "/.well-known/openpgpkey/", "/api/guest/");
    }

    @Test
    void longestPrefixWinsForTheUnlockLimit() {
        assertThat(table.match("/api/keys/unlock")).get().extracting(Route::limit).isEqualTo(Route.RateLimited.UNLOCK);
        assertThat(table.match("/api/keys/mine")).get().extracting(Route::limit).isEqualTo(Route.RateLimited.NONE);
        assertThat(table.match("/pks/lookup")).get().extracting(Route::limit).isEqualTo(Route.RateLimited.DIRECTORY);
    }

    @Test
    void theCollectionPathWithoutASlashIsRouted() {
        assertThat(table.match("/api/keys")).get().extracting(Route::service).isEqualTo("key-service");
        assertThat(table.match("/api/files")).get().extracting(Route::service).isEqualTo("filestore-service");
    }

    @Test
    void internalApisAreClosedFromOutside() {
        assertThat(table.match("/api/keys/internal/session-keys")).isEmpty();
        assertThat(table.match("/api/keys/internal/")).isEmpty();
        assertThat(table.match("/api/keys/internal")).isEmpty();
        assertThat(table.match("/api/keys/internals")).get().extracting(Route::service).isEqualTo("key-service");
    }

    @Test
    void unknownPathsAreNotRouted() {
        assertThat(table.match("/api/other")).isEmpty();
        assertThat(table.match("/api/keysx")).isEmpty();
        assertThat(table.match("/")).isEmpty();
    }
}
