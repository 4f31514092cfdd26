package io.guardcluster.emulator.user;

/** A user of the emulated groupware backend. */
public record DemoUser(
        String login,
        int id,
        int contextId,
        String password,
        String email,
        String displayName,
        String firstName,
        String lastName,
        String locale,
        String timezone) {

    /** The id of the user's contact object: OX keeps users as contacts in the global address book. */
    public int contactId() {
        return 1000 + id;
    }

    @Override
    public String toString() {
        return "DemoUser[" + login + ", id=" + id + ", context=" + contextId + ", " + email + "]";
    }
}
