package org.permcheck.cli;

/** {@code --backend exec:<command>}: the subprocess protocol client (engine.exec), once it is in this build. */
final class ExecBackends {
    private ExecBackends() {}

    static BackendChoice.Maker maker(String command) {
        throw new UsageError("exec backends are not in this build yet (the protocol client lands with the proto branch)");
    }
}
