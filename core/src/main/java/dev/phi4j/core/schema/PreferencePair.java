package dev.phi4j.core.schema;

import dev.phi4j.core.Doc;

import java.util.ArrayList;
import java.util.List;

/** A DPO training pair: the same prompt continued two ways, one preferred. */
@Doc("a DPO pair: one prompt, a preferred and a dispreferred continuation")
public record PreferencePair(
        @Doc("content-derived id: pref- + SHA-256 prefix of kind, prompt, chosen and rejected") String id,
        @Doc("the prompt; for pts it ends with the solution prefix before the pivotal token") List<Message> prompt,
        @Doc("the preferred continuation (a single token for pts)") String chosen,
        @Doc("the dispreferred continuation (a single token for pts)") String rejected,
        @Doc("pts (pivotal token search) or judge (judge-guided)") PreferenceKind kind,
        @Doc("ids of the records this pair was derived from") List<String> lineage) {

    public PreferencePair {
        Require.id(IdKind.PREFERENCE, id, "PreferencePair.id");
        prompt = Require.nonEmpty(prompt, "PreferencePair.prompt");
        Require.nonNull(chosen, "PreferencePair.chosen");
        Require.nonNull(rejected, "PreferencePair.rejected");
        if (chosen.equals(rejected)) {
            throw new IllegalArgumentException("PreferencePair.chosen and PreferencePair.rejected are both '"
                    + chosen + "'; a pair must prefer one continuation over a different one");
        }
        Require.nonNull(kind, "PreferencePair.kind");
        lineage = Require.lineage(lineage, "PreferencePair.lineage");
    }

    public static PreferencePair of(List<Message> prompt, String chosen, String rejected, PreferenceKind kind,
                                    List<String> lineage) {
        List<String> parts = new ArrayList<>(List.of(Require.nonNull(kind, "PreferencePair.kind").name(),
                Require.nonNull(chosen, "PreferencePair.chosen"), Require.nonNull(rejected, "PreferencePair.rejected")));
        parts.addAll(Message.idParts(prompt, "PreferencePair.prompt"));
        return new PreferencePair(RecordIds.of(IdKind.PREFERENCE, parts), prompt, chosen, rejected, kind, lineage);
    }
}
