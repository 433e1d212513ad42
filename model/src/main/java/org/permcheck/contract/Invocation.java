package org.permcheck.contract;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.permcheck.tensor.Tensor;

/**
 * One call of one operation: the op, the profile, named input tensors and integer attributes.
 * Plain data, handed unchanged to the oracle and to a backend.
 */
public record Invocation(Op op, Profile profile, Map<String, Tensor> inputs, Map<String, Long> attrs) {

    public Invocation {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
    }

    public Tensor input(String name) {
        Tensor t = inputs.get(name);
        if (t == null) throw new IllegalArgumentException(op.wireName() + ": missing input '" + name + "'");
        return t;
    }

    public Optional<Tensor> optionalInput(String name) { return Optional.ofNullable(inputs.get(name)); }

    public long attr(String name) {
        Long v = attrs.get(name);
        if (v == null) throw new IllegalArgumentException(op.wireName() + ": missing attribute '" + name + "'");
        return v;
    }

    public Optional<Long> optionalAttr(String name) { return Optional.ofNullable(attrs.get(name)); }

    /** This call with input {@code name} set to {@code t} (replaced in place, or added last). */
    public Invocation withInput(String name, Tensor t) { return editing(in -> in.put(name, t), a -> {}); }

    /** This call without input {@code name}. */
    public Invocation withoutInput(String name) { return editing(in -> in.remove(name), a -> {}); }

    /** This call with attribute {@code name} set to {@code value} (replaced in place, or added last). */
    public Invocation withAttr(String name, long value) { return editing(in -> {}, a -> a.put(name, value)); }

    /** This call without attribute {@code name}. */
    public Invocation withoutAttr(String name) { return editing(in -> {}, a -> a.remove(name)); }

    /** A copy of this call with its inputs and attributes edited (the record's maps are unmodifiable). */
    private Invocation editing(Consumer<Map<String, Tensor>> onInputs, Consumer<Map<String, Long>> onAttrs) {
        Map<String, Tensor> in = new LinkedHashMap<>(inputs);
        Map<String, Long> a = new LinkedHashMap<>(attrs);
        onInputs.accept(in);
        onAttrs.accept(a);
        return new Invocation(op, profile, in, a);
    }

    /** Bytes of every input tensor: the load a call hands over (runner's case records, the benches' input_MB). */
    public long inputBytes() {
        long n = 0;
        for (Tensor t : inputs.values()) n += t.byteSize();
        return n;
    }

    /** A short description for messages: op(name=dtype[shape], ..., attr=value). */
    public String describe() {
        StringBuilder sb = new StringBuilder(op.wireName()).append('(');
        String sep = "";
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=').append(e.getValue().dtype()).append(e.getValue().shapeString());
            sep = ", ";
        }
        for (Map.Entry<String, Long> e : attrs.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = ", ";
        }
        if (profile != Profile.TE_JAX) sb.append(sep).append("profile=").append(profile.id());
        return sb.append(')').toString();
    }
}
