package org.permcheck.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top command: only subcommands; alone it prints the usage and exits 2. */
// scope INHERIT: every subcommand answers --version too (`permcheck run --version`)
@Command(name = "permcheck", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, scope = ScopeType.INHERIT,
        description = {"Conformance suite and reference oracle for Mixture-of-Experts token permutation",
                "(TransformerEngine token_dispatch / token_combine / sort_chunks_by_index and relatives).", ""},
        subcommands = {RunCommand.class, FuzzCommand.class, ReplayCommand.class, ReportCommand.class, ExpectCommand.class, BenchCommand.class,
                VectorsCommand.class, SmokeCommand.class, EpCommand.class,
                // `source <(./permcheck generate-completion)`: bash/zsh completion, picocli-generated
                AutoComplete.GenerateCompletion.class},
        footer = {"", "Exit codes: 0 conformant, 1 not conformant, 2 usage or harness error, 3 nothing judged, 4 incomplete (interrupted).",
                "Main command: ./permcheck run   (quick tier, default backend, reports in reports/latest)"})
final class PermcheckCommand extends CommandGroup {
    /** Read by {@link Main} before parsing (so the error handlers know it); declared here for --help. */
    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "show stack traces of errors")
    boolean debug;
}
