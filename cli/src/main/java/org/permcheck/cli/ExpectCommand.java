package org.permcheck.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Port;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.contract.Profile;
import org.permcheck.engine.codec.CallCodec;
import org.permcheck.engine.codec.TensorRefs;
import org.permcheck.oracle.Oracle;
import org.permcheck.tensor.Tensor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The oracle on the command line: given inputs as .npy, writes the outputs the contract requires. */
@Command(name = "expect", mixinStandardHelpOptions = true,
        description = {"Write the oracle's outputs for the given inputs (.npy files + expected.json).", ""},
        footer = {"", "Example:",
                "  ./permcheck expect --op token_dispatch --in inp=x.npy:bf16 --in routing_map=map.npy \\",
                "      --attr num_out_tokens=8 --out out/",
                "Writes out/<output>.npy for every output, out/<output>.specified.npy where the contract leaves",
                "parts free (false = unspecified), out/<output>.reference.npy (f64) for reductions, and",
                "out/expected.json: the call (op, profile, attrs, inputs copied to out/in_<input>.npy) and every",
                "file with its logical dtype and shape."})
final class ExpectCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--op", required = true, paramLabel = "OP", description = "operation, e.g. token_dispatch, token_combine")
    String op;

    @Option(names = "--in", paramLabel = "NAME=FILE[:DTYPE]", description = "an input tensor (repeat for each)")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--attr", paramLabel = "NAME=INT", description = "an integer attribute (repeat), e.g. num_out_tokens=8")
    Map<String, String> attrs = new LinkedHashMap<>();

    @Option(names = "--profile", defaultValue = "te-jax", description = "contract profile: te-jax, torch-mask-pad or maxtext (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
    Path out;

    @Override
    public Integer call() throws IOException {
        Op operation = Op.byWireName(op);
        Profile prof = Profile.byId(profile);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String text : inputs) {
            TensorArg a = TensorArg.parse(text);
            if (operation.inputs().stream().noneMatch(p -> p.name().equals(a.name()))) {
                throw new UsageError(operation.wireName() + " has no input '" + a.name() + "' (inputs: " + portNames(operation.inputs()) + ")");
            }
            if (tensors.put(a.name(), a.read()) != null) throw new UsageError("input '" + a.name() + "' given twice");
        }
        for (Port p : operation.inputs()) {
            if (p.required() && !tensors.containsKey(p.name())) {
                throw new UsageError(operation.wireName() + " needs input '" + p.name() + "' (--in " + p.name() + "=FILE.npy)");
            }
        }
        Map<String, Long> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : attrs.entrySet()) {
            if (!operation.attrs().contains(e.getKey())) {
                throw new UsageError(operation.wireName() + " has no attribute '" + e.getKey() + "' (attributes: "
                        + (operation.attrs().isEmpty() ? "none" : String.join(", ", operation.attrs())) + ")");
            }
            try {
                attributes.put(e.getKey(), Long.parseLong(e.getValue().trim()));
            } catch (NumberFormatException ex) {
                throw new UsageError("--attr " + e.getKey() + ": '" + e.getValue() + "' is not an integer");
            }
        }
        Invocation inv = new Invocation(operation, prof, tensors, attributes);
        Expected expected;
        try {
            expected = Oracle.expected(inv);
        } catch (PreconditionViolation e) {
            throw new UsageError("inputs outside the contract: " + e.getMessage());
        }
        write(inv, expected, out);
        spec.commandLine().getOut().println("wrote " + expected.values().size() + " outputs of " + inv.describe() + " to " + out.resolve("expected.json"));
        return ExitCodes.CONFORMANT;
    }

    private static String portNames(List<Port> ports) {
        List<String> n = new ArrayList<>();
        for (Port p : ports) n.add(p.required() ? p.name() : p.name() + "?");
        return String.join(", ", n);
    }

    /** expected.json is a whole call (docs/cli.md): the inputs are copied beside the outputs, so it reads back as one. */
    static void write(Invocation inv, Expected expected, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        CallCodec codec = new CallCodec(dir, TensorRefs.FILE);
        ObjectNode root = codec.writeCall(json.createObjectNode(), inv, name -> "in_" + name + ".npy");
        root.set("outputs", codec.writeTensors(expected.values(), name -> name + ".npy"));
        root.set("specified", codec.writeTensors(expected.specified(), name -> name + ".specified.npy"));
        root.set("reference", codec.writeTensors(expected.reference(), name -> name + ".reference.npy"));
        json.writeValue(dir.resolve("expected.json").toFile(), root);
    }
}
