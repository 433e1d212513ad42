package org.permcheck.cli;

import org.permcheck.engine.exec.ExecBackend;

/** {@code --backend exec:<command>}: a subprocess speaking the permcheck protocol (docs/protocol.md). */
final class ExecBackends {
    private ExecBackends() {}

    static BackendChoice.Maker maker(String command) {
        return () -> ExecBackend.forCommand(command);
    }
}
