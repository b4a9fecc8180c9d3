package io.talentats.email.web.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import javax.servlet.http.HttpServletRequest;

/**
 * Who is calling, as {@link EmailWebContext} established it: an operator (every user's resources) or a recruiter
 * (only their own ATS user id). Nothing in the request's parameters or body ever changes it.
 *
 * @param login the Karaf login, or the token's subject, or {@code loopback}
 * @param userId the one ATS user a recruiter may act for; {@code null} for an operator
 * @param how how the identity was established
 */
record Caller(String login, String userId, How how) {

    /** The request attribute the context puts the caller in. */
    static final String ATTRIBUTE = "io.talentats.email.web.caller";

    enum How {
        /** A Karaf JAAS login with one of the operator roles. */
        OPERATOR_LOGIN,
        /** A Karaf JAAS login with the self-service role: the login name is the ATS user id. */
        SELF_SERVICE_LOGIN,
        /** A token signed by the host ATS ({@code Authorization: Bearer}). */
        HOST_TOKEN,
        /** A request from this machine, let in without a login (the sandbox). */
        LOOPBACK
    }

    static Caller operator(String login, How how) {
        return new Caller(login, null, how);
    }

    static Caller recruiter(String userId, How how) {
        return new Caller(userId, userId, how);
    }

    /** The caller of a request the context let through; {@code null} only on the public paths (page files). */
    static Caller of(HttpServletRequest req) {
        return req.getAttribute(ATTRIBUTE) instanceof Caller c ? c : null;
    }

    boolean operator() {
        return userId == null;
    }

    boolean mayActFor(String user) {
        return operator() || userId.equals(user);
    }

    /** The key a sign-in started by this caller is bound to, so only the same caller completes it. */
    String binding() {
        return switch (how) {
            case LOOPBACK -> "loopback";
            case HOST_TOKEN -> "token:" + userId;
            default -> "user:" + login;
        };
    }

    /** For logs: who, never how they proved it. */
    String describe() {
        return (operator() ? "operator " : "recruiter ") + login + " (" + how.name().toLowerCase() + ")";
    }

    /** What {@code GET /me} answers: who the page is talking as (a recruiter's page fixes the user to theirs). */
    Map<String, Object> me() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("login", login);
        out.put("operator", operator());
        out.put("userId", userId);
        return out;
    }
}
