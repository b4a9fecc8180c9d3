package io.talentats.email.web.internal;

import java.util.Map;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** One REST API call: the request, the response, the route's path parameters and who is calling. */
final class ApiCall {
    private final HttpServletRequest req;
    private final HttpServletResponse resp;
    private final Map<String, String> params;
    private final Caller caller;
    private Object body;

    ApiCall(HttpServletRequest req, HttpServletResponse resp, Map<String, String> params, Caller caller) {
        this.req = req;
        this.resp = resp;
        this.params = params;
        this.caller = caller;
    }

    HttpServletRequest req() {
        return req;
    }

    HttpServletResponse resp() {
        return resp;
    }

    String param(String name) {
        return params.get(name);
    }

    Caller caller() {
        return caller;
    }

    /** The JSON body as {@code type}, read once (a guard and the handler may both need it). */
    <T> T body(Class<T> type) {
        if (body == null) {
            body = Requests.read(req, type);
        }
        return type.cast(body);
    }
}
