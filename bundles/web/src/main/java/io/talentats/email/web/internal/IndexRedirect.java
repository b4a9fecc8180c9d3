package io.talentats.email.web.internal;

import java.io.IOException;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/** {@code /talentats-email/} opens the settings page; anything else unknown under the context is a 404. */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(EmailWebContext.SELECT)
@HttpWhiteboardServletName("talentats-email-index")
@HttpWhiteboardServletPattern("/")
public class IndexRedirect extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        if (path.isEmpty() || path.equals("/")) {
            String query = req.getQueryString();
            resp.sendRedirect(req.getContextPath() + "/ui/index.html" + (query == null ? "" : "?" + query));
        } else {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }
}
