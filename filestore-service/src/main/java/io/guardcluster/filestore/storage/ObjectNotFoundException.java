package io.guardcluster.filestore.storage;

/** No committed object under this key (never written, not yet committed, aborted or deleted). */
public class ObjectNotFoundException extends RuntimeException {

    private final String key;

    public ObjectNotFoundException(String key) {
        super("no stored object " + key, null, false, false);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
