package io.talentats.email.web.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardResource;

/** The Email Connection Settings page: the static files under /web of this bundle, at /talentats-email/ui/. */
@Component(service = PageResources.class)
@HttpWhiteboardContextSelect(EmailWebContext.SELECT)
@HttpWhiteboardResource(pattern = "/ui/*", prefix = "/web")
public class PageResources {}
