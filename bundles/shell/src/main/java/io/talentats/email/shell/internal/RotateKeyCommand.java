package io.talentats.email.shell.internal;

import io.talentats.email.runtime.KeyRotation;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "email", name = "rotate-key", description = "Moves every stored secret to a new encryption key")
@Service
public class RotateKeyCommand implements Action {

    @Reference
    KeyRotation rotation;

    @Override
    public Object execute() {
        int n = rotation.rotate();
        System.out.println("Re-encrypted " + n + " secret(s) under a new key.");
        return null;
    }
}
