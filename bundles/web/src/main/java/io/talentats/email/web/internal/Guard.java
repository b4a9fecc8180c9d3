package io.talentats.email.web.internal;

import javax.servlet.http.HttpServletResponse;

import org.slf4j.LoggerFactory;

import io.talentats.email.api.MessageHistory;

/**
 * Who may use a REST route, checked before its handler runs: every route names its guard in the table, so a new
 * route cannot forget the check. Throws a 403 {@link ApiException} when the caller may not.
 */
@FunctionalInterface
interface Guard {

    void check(ApiCall call);

    /** Any authenticated caller: what the route shows is not anyone's (presets, discovery, OAuth providers). */
    Guard ANY_CALLER = call -> { };

    /** Operators only: every user's data, the switch, the outbox. */
    Guard OPERATORS = call -> {
        if (!call.caller().operator()) {
            throw forbidden(call, "only operators may use " + call.req().getMethod() + " "
                    + call.req().getPathInfo());
        }
    };

    /** The {@code {user}} of the path is the caller's own. */
    Guard USER_IN_PATH = call -> own(call, call.param("user"));

    /** The {@code ?user=} of the query is the caller's own (a recruiter must give it). */
    Guard USER_IN_QUERY = call -> {
        if (!call.caller().operator()) {
            own(call, call.req().getParameter("user"));
        }
    };

    /** The message in the body is sent as the caller. */
    Guard SENDER = call -> {
        if (!call.caller().operator()) {
            own(call, call.body(Json.MessageInput.class).senderUserId);
        }
    };

    /** The message of {@code {id}} is the caller's (an unknown id is the handler's 404). */
    static Guard messageOwner(MessageHistory history) {
        return call -> {
            if (!call.caller().operator()) {
                history.find(call.param("id")).ifPresent(r -> own(call, r.userId()));
            }
        };
    }

    /**
     * Any caller, and the handler answers with the caller's part only (a recruiter's own messages and the replies
     * to them; an operator's all): for what a hiring team shares, such as a candidate's thread, where refusing
     * would let one recruiter lock the others out.
     */
    Guard SCOPED_TO_CALLER = call -> { };

    private static void own(ApiCall call, String user) {
        if (!call.caller().mayActFor(user)) {
            throw forbidden(call, "you may reach only your own account and messages (user "
                    + call.caller().userId() + ")");
        }
    }

    private static ApiException forbidden(ApiCall call, String why) {
        LoggerFactory.getLogger(ApiServlet.class).info("Refused {} {} for {}: {}", call.req().getMethod(),
                call.req().getPathInfo(), call.caller().describe(), why);
        return new ApiException(HttpServletResponse.SC_FORBIDDEN, "Not allowed: " + why);
    }
}
