package org.permcheck.engine.report;

import java.util.List;

/** The one command line that replays a saved case; printed in summaries and written to replay.sh. */
public final class ReplayCommand {
    private ReplayCommand() {}

    /** {@code ./permcheck replay <bundle> --backend <backend>}, shell-quoted. */
    public static String of(String bundleDir, String backend) {
        return "./permcheck replay " + ShellQuote.join(List.of(bundleDir)) + " --backend " + ShellQuote.word(backend);
    }
}
