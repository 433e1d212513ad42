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
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Port;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.contract.Profile;
import org.permcheck.oracle.Oracle;
import org.permcheck.tensor.Tensor;
import org.permcheck.tensor.npy.Npy;

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
                "out/expected.json naming each file with its logical dtype and shape."})
final class ExpectCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--op", required = true, paramLabel = "OP", description = "operation, e.g. token_dispatch, token_combine")
    String op;

    @Option(names = "--in", paramLabel = "NAME=FILE[:DTYPE]", description = "an input tensor (repeat for each)")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--attr", paramLabel = "NAME=INT", description = "an integer attribute (repeat), e.g. num_out_tokens=8")
    Map<String, String> attrs = new LinkedHashMap<>();

    @Option(names = "--profile", defaultValue = "te-jax", description = "contract profile: te-jax or torch-mask-pad (default: ${DEFAULT-VALUE})")
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

    static void write(Invocation inv, Expected expected, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("op", inv.op().wireName());
        root.put("profile", inv.profile().id());
        ObjectNode attrs = root.putObject("attrs");
        inv.attrs().forEach(attrs::put);
        ObjectNode ins = root.putObject("inputs");
        inv.inputs().forEach((k, t) -> describe(ins.putObject(k), null, t));
        root.set("outputs", files(json, dir, expected.values(), ""));
        root.set("specified", files(json, dir, expected.specified(), ".specified"));
        root.set("reference", files(json, dir, expected.reference(), ".reference"));
        json.writeValue(dir.resolve("expected.json").toFile(), root);
    }

    private static ObjectNode files(ObjectMapper json, Path dir, Map<String, Tensor> tensors, String suffix) throws IOException {
        ObjectNode o = json.createObjectNode();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String file = e.getKey() + suffix + ".npy";
            Npy.write(e.getValue(), dir.resolve(file));
            describe(o.putObject(e.getKey()), file, e.getValue());
        }
        return o;
    }

    private static void describe(ObjectNode o, String file, Tensor t) {
        if (file != null) o.put("file", file);
        o.put("dtype", t.dtype().id());
        ArrayNode shape = o.putArray("shape");
        for (long d : t.shape()) shape.add(d);
    }
}
