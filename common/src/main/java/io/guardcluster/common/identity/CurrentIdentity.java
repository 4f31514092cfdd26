package io.guardcluster.common.identity;

import jakarta.enterprise.context.RequestScoped;

import io.guardcluster.common.problem.GuardProblemException;

/** The user this request is for, as the gateway vouched for it; set by {@link InternalIdentityFilter}. */
@RequestScoped
public class CurrentIdentity {

    private InternalIdentity identity;

    void set(InternalIdentity identity) {
        this.identity = identity;
    }

    /** The verified identity; a 401 problem on a public path, where there is none. */
    public InternalIdentity get() {
        if (identity == null) {
            throw new GuardProblemException(401, "identity-required", "Unauthorized",
                    "this resource needs a user: call it through the gateway with a valid groupware session");
        }
        return identity;
    }
}
