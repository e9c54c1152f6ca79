"""Dispute expressions of a parsed article: `find_disputes(doc) -> list[DisputeExpr]`.

A dispute is someone contesting a claim. This module finds where the text says so and what it points
at; claims.py links each one to the claim it answers. The forms, each a general pattern of news English
(no phrase of one article):

1. A disputing verb (DISPUTE_LEMMAS: deny, reject, dismiss, dispute, rebut, refute, contradict,
   challenge, question, debunk, contest; "hit/fire/push back at") whose object
   - is an anaphor or a claim noun ("denied this", "rejected the claim", "dismissed the allegations",
     "hit back at Labour claims"): it points back at a claim; the noun's possessor or modifier, or a
     "by X" on it, says whose ("the BNP's claim", "Labour claims", "a claim by Peter Hain");
   - carries the disputed proposition: a claim noun with its clause ("denied reports (that) he told
     Brown he would quit") or a clause object ("denied (that) he was gloating").
   The disputer is the verb's subject (or the agent of a passive: "claims denied by Labour").
   A light-verb phrase counts the same ("cast doubt on this", "take issue with the claim",
   DISPUTE_NOUNS).
   Attack verbs (POINTER_LEMMAS: question, challenge, mock, criticise, "lie about") dispute only a claim
   pointer they take as object ("mocked the complaint"; not "questioned whether", "criticised the plan"),
   or the claim of someone they fault for a speech act ("criticised the government for claiming P": the
   object owns the claim, P is its proposition).
   A clause after a disputing verb that asks (whether, what, how) is no proposition.
2. A falsity verdict on a claim: an anaphor or claim noun said to be false (FALSITY_WORDS anywhere in
   the predicate: "the allegations were untrue", "called the claims nonsense", "dismissed them as a load
   of nonsense", "branded such criticisms as rubbish", "not true"); the disputer is the verb's subject,
   else whoever says so (the speaker of the speech act holding it, found by claims.py).
3. Absence of evidence: "there is no evidence that P" / "no evidence of P", "no proof" (the proposition
   is P).
4. A verdict on a claim: a claim noun (VERDICT_NOUNS) with a determiner or owner as the subject of a reported clause
   ("Mr Blair said the claims were 'reheated'", "said a claim by Peter Hain ... shows Labour is
   rattled"), unless the verdict confirms it (CONFIRMING_WORDS: true, accurate, fair...).
5. An accusation: "accused Labour of lying", "accused him of misleading voters" (LYING_WORDS) disputes
   the accused's claim wherever it stands; any other accusation ("accused Ms Blears of playing an
   Islamophobia card", "responded by accusing the prime minister of hiding away") answers what the accused
   said just before it, so it disputes only an accused's claim within ACCUSATION_REACH sentences before.
A demand-like claim noun carries its infinitive as the proposition ("rejected the call to open up the
books"), a claim noun with no clause its complement ("accusations of anti-Semitism, claims denied by
Labour").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .attribution import REPORT_RATIO, default_lexicon, lexicon, subject_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

CharSpan = tuple[int, int]


DISPUTE_LEMMAS = lexicon("dispute deny reject contest doubt refute rebut contradict dismiss disagree debunk")
# Verbs that dispute only what they take as object ("questioned the claim", "mocked the complaint"; not
# "questioned whether ...", "criticised the plan").
POINTER_LEMMAS = lexicon("question challenge mock ridicule deride scoff criticise criticize slam lie")
BACK_LEMMAS = lexicon("hit fire push strike")  # only with "back": "hit back at"
# Noun + preposition after a light verb: "cast doubt on", "take issue with", "pour cold water on".
DISPUTE_NOUNS = {"doubt": "on", "issue": "with", "water": "on", "question": "into"}
ANAPHORS = lexicon("this that these those it them they")
# Nouns that name a claim (what a dispute can point at).
CLAIM_NOUNS = lexicon(
    "claim assertion suggestion idea account argument statement allegation accusation charge view notion "
    "characterization characterisation figure estimate report version theory narrative contention "
    "assessment speculation rumour rumor criticism story premise comment remark call demand request warning "
    "prediction promise charge jibe"
)
FALSITY_WORDS = lexicon(
    "false untrue wrong baseless nonsense rubbish inaccurate incorrect misleading lie lies ridiculous "
    "absurd unfounded groundless fabricated fiction fantasy fabrication garbage drivel bogus mistaken "
    "erroneous distortion falsehood smear myth hogwash laughable preposterous"
)
EVIDENCE_NOUNS = lexicon("evidence proof sign indication basis")
LYING_WORDS = lexicon(
    "lie lying mislead misleading distort distortion fabricate exaggerate misrepresent smear scaremonger"
)
CONFIRMING_WORDS = lexicon(
    "true accurate correct right fair valid justified credible confirm prove accept agree plausible reasonable"
)
DEFINITE_WORDS = lexicon("the these those this that such")  # a claim noun with one points at a claim
# The claim nouns a verdict is passed on (not "the figures", "the call", which are things as well as claims).
VERDICT_NOUNS = lexicon("claim allegation accusation suggestion charge rumour rumor speculation assertion")


ACCUSATION_REACH = 2  # sentences back in which an accusation not of lying finds the claim it answers


@dataclass(frozen=True)
class DisputeExpr:
    cue: Token  # the disputing word ("denied", "untrue", "evidence")
    cue_end: int  # offset just past the disputing words
    disputer: Token | None  # the subject who disputes, when the expression has one
    pointer: Token | None  # an anaphor or claim noun pointing at the disputed claim
    owner: Token | None  # whose claim the pointer names ("the BNP's claim")
    proposition: frozenset[int]  # tokens of the disputed proposition stated in place
    reach: int | None = None  # sentences back in which the owner's claim must lie (None: anywhere)


def is_claim_pointer(token: Token) -> bool:
    """'this', 'it', 'the claim', 'these claims', 'Labour claims', 'the BNP's claim' -- not a relative
    'that', not a phrase that says what it points at ('those who ...')."""
    if (
        token.lower_ in ANAPHORS
        and token.tag_ != "WDT"
        and (
            token.pos_ in ("PRON", "DET")
            or token.dep_ in ("dobj", "nsubjpass", "pobj")  # "reject that" as SCONJ
        )
    ):
        return not any(c.dep_ in ("relcl", "acl", "prep") for c in token.children)
    return token.pos_ == "NOUN" and token.lemma_.lower() in CLAIM_NOUNS


def _pobj(token: Token, *preps: str) -> Token | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in preps:
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    return None


def owner_of(noun: Token) -> Token | None:
    """Whose claim a claim noun names: possessor, a proper-noun modifier, or 'by X'."""
    for child in noun.children:
        if child.dep_ == "poss" and child.lower_ not in ("his", "her", "its", "their", "my", "our", "your"):
            return child
    for child in noun.children:
        if child.dep_ in ("compound", "amod", "nmod") and (child.pos_ == "PROPN" or child.ent_type_):
            return child
    by = _pobj(noun, "by", "from")
    return by


def _clause_of(noun: Token) -> frozenset[int]:
    """The clause a claim noun carries ("reports he told Brown ...", "claims that X")."""
    for child in noun.children:
        if child.dep_ in ("acl", "ccomp", "appos", "relcl") and child.pos_ in ("VERB", "AUX"):
            relative = any(
                c.tag_ in ("WDT", "WP") or (c.lower_ == "that" and c.dep_ != "mark") for c in child.children
            )
            gap = not any(
                c.dep_ in ("dobj", "ccomp", "xcomp", "attr", "acomp", "oprd") for c in child.children
            )
            if child.dep_ == "relcl" and (relative or gap):
                continue  # "the claims he made" is a relative clause; "claims he had used X" the claim
            if any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in child.children):
                return _tokens_without_mark(child)
    return frozenset()


def _complement_of(noun: Token) -> frozenset[int]:
    """What a claim noun with no clause is about, read as its claim: 'accusations of anti-Semitism',
    also through an apposition ('accusations of anti-Semitism, claims denied by Labour')."""
    doc = noun.doc
    comma = noun.i > 0 and doc[noun.i - 1].text == ","  # "accusations of X, claims denied by Y"
    before = (
        next(
            (
                doc[j]
                for j in range(noun.i - 2, max(noun.sent.start, noun.i - 10) - 1, -1)
                if doc[j].dep_ == "dobj"
            ),
            None,
        )
        if comma
        else None
    )
    for holder in (noun, noun.head if noun.dep_ == "appos" else None, before):
        if holder is None or holder.pos_ != "NOUN" or holder.lemma_.lower() not in CLAIM_NOUNS:
            continue
        of = next(
            (c for c in holder.children if c.dep_ == "prep" and c.lower_ in ("of", "about", "over")), None
        )
        if of is not None and any(g.dep_ == "pobj" for g in of.children):
            return frozenset([holder.i, *(t.i for t in of.subtree)])
    return frozenset()


def _infinitive_of(noun: Token) -> frozenset[int]:
    """The infinitive a demand-like claim noun carries ("the call to open up the books")."""
    for child in noun.children:
        if (
            child.dep_ in ("acl", "relcl")
            and child.tag_ == "VB"
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children)
        ):
            return _tokens_without_mark(child)
    return frozenset()


def _tokens_without_mark(head: Token) -> frozenset[int]:
    return frozenset(t.i for t in head.subtree if not (t.dep_ == "mark" and t.head.i == head.i))


def disputer_of(verb: Token) -> Token | None:
    """The subject of the disputing verb, climbing an xcomp ('was quick to deny'), or the agent of a
    passive one ('claims denied by Labour', 'disputed by experts')."""
    for _ in range(3):
        for child in verb.children:
            if child.dep_ in ("nsubj", "csubj"):
                return child
        for child in verb.children:
            if child.dep_ == "agent":
                return next((g for g in child.children if g.dep_ == "pobj"), None)
        if verb.dep_ in ("xcomp", "conj") and verb.head.i != verb.i:
            verb = verb.head
        else:
            break
    return None


def _accusation(token: Token) -> DisputeExpr | None:
    """'accused Labour of lying', 'accused Ms Blears of playing an Islamophobia card': the accused is the
    owner of the disputed claim, the accuser the disputer; only an accusation of untruth reaches past
    ACCUSATION_REACH sentences."""
    if token.pos_ != "VERB" or token.lemma_.lower() not in ("accuse", "charge"):
        return None
    accused = next((c for c in token.children if c.dep_ == "dobj"), None)
    of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if accused is None or of is None:
        return None
    lying = any(t.lemma_.lower() in LYING_WORDS for t in of.subtree)
    reach = None if lying else ACCUSATION_REACH
    return DisputeExpr(token, token.idx + len(token), disputer_of(token), None, accused, frozenset(), reach)


def _verdict(token: Token) -> DisputeExpr | None:
    """'Mr Blair said the claims were "reheated"': someone's reported verdict on a claim noun (its subject
    inside a reported clause) contests it, unless the verdict confirms it (CONFIRMING_WORDS)."""
    if (
        token.dep_ not in ("nsubj", "nsubjpass")
        or token.pos_ != "NOUN"
        or token.lemma_.lower() not in VERDICT_NOUNS
    ):
        return None
    if not any(
        c.dep_ == "det" and c.lower_ in DEFINITE_WORDS
        for c in token.children
    ) and not any(c.dep_ == "poss" for c in token.children):
        return None  # "claims" of no one in particular
    verb = token.head
    if verb.dep_ != "ccomp" or verb.head.pos_ != "VERB":
        return None
    if any(t.lemma_.lower() in CONFIRMING_WORDS for t in verb.subtree if t.i != token.i):
        return None
    if any(t.lemma_.lower() in FALSITY_WORDS for t in verb.subtree):
        return None  # a falsity verdict, found as such
    speaker = disputer_of(verb.head)
    return DisputeExpr(verb, verb.idx + len(verb), speaker, token, owner_of(token), _clause_of(token))


def _verb_dispute(token: Token) -> DisputeExpr | None:
    lemma = token.lemma_.lower()
    back = lemma in BACK_LEMMAS and any(c.lower_ == "back" for c in token.children)
    verbal = token.pos_ == "VERB" or (token.pos_ == "NOUN" and any(c.dep_ == "dobj" for c in token.children))
    if not verbal or not (lemma in DISPUTE_LEMMAS or lemma in POINTER_LEMMAS or back):
        return None
    disputer = disputer_of(token)
    if token.dep_ == "relcl":  # "Labour, which denied it" disputes; "information that contradicts it" not
        if token.head.pos_ != "PROPN" or disputer is None or disputer.tag_ not in ("WP", "WDT"):
            return None
        disputer = token.head
    objects = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
    objects += [o for o in [_pobj(token, "with", "on", "about", "at", "to")] if o is not None]
    if token.dep_ == "acl" and token.tag_ == "VBN" and is_claim_pointer(token.head):
        objects.append(token.head)  # "claims denied by Labour"
    for obj in objects:
        if is_claim_pointer(obj):
            clause = _clause_of(obj) or _infinitive_of(obj) or _complement_of(obj)
            return DisputeExpr(token, token.idx + len(token), disputer, obj, owner_of(obj), clause)
    if lemma in POINTER_LEMMAS and (said := _faulted_saying(token)) is not None:
        accused, proposition = said
        return DisputeExpr(token, token.idx + len(token), disputer, None, accused, proposition)
    clause = next((c for c in token.children if c.dep_ == "ccomp"), None)
    if (
        clause is not None
        and lemma in DISPUTE_LEMMAS
        and not any(
            c.tag_ in ("WP", "WRB", "WDT") or c.lower_ in ("whether", "if")
            for c in clause.subtree
            if c.i < clause.i
        )
    ):
        return DisputeExpr(token, token.idx + len(token), disputer, None, None, _tokens_without_mark(clause))
    return None


def _faulted_saying(verb: Token) -> tuple[Token, frozenset[int]] | None:
    """'criticised the government for claiming the constitution would ...': a speech act (a reporting verb,
    REPORT_RATIO) an attack verb faults its object for; the act's source (the object, by
    `attribution.subject_of`) owns the claim, the act's clause is the claim."""
    act = next(
        (g for c in verb.children if c.dep_ == "prep" and c.lower_ == "for" for g in c.children if g.dep_ == "pcomp"),
        None,
    )
    if act is None or act.pos_ != "VERB" or default_lexicon().ratio(act) < REPORT_RATIO:
        return None
    owner = subject_of(act)
    if owner is None or owner.head.i != verb.i or owner.dep_ != "dobj":
        return None
    clause = next((c for c in act.children if c.dep_ == "ccomp"), None)
    return owner, _tokens_without_mark(clause) if clause is not None else frozenset()


def _light_verb_dispute(token: Token) -> DisputeExpr | None:
    lemma = token.lemma_.lower()
    if token.pos_ != "NOUN" or lemma not in DISPUTE_NOUNS or token.dep_ not in ("dobj", "pobj", "nsubjpass"):
        return None
    verb = token.head if token.dep_ != "pobj" else token.head.head
    for holder in (token, verb):
        obj = _pobj(holder, DISPUTE_NOUNS[lemma])
        if obj is not None and is_claim_pointer(obj):
            end = obj.left_edge.idx
            return DisputeExpr(verb, end, disputer_of(verb), obj, owner_of(obj), _clause_of(obj))
    return None


def _is_false(token: Token) -> bool:
    """A falsity word ("untrue", "nonsense") or "not true", anywhere in a predicate phrase ("a load of
    nonsense", "absolutely rubbish")."""
    for t in token.subtree:
        if t.lemma_.lower() in FALSITY_WORDS or t.lower_ in FALSITY_WORDS:
            return True
        if t.lower_ == "true" and any(c.dep_ == "neg" for c in t.children):
            return True
    return False


def _falsity(token: Token) -> DisputeExpr | None:
    """'the allegations were untrue', 'called the claims nonsense', 'dismissed them as a load of nonsense',
    'brands such criticisms as "absolutely rubbish"': a predicate of falsity on a claim pointer."""
    if token.dep_ in ("acomp", "attr"):
        pointer = next((c for c in token.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        verb = token.head
    elif token.dep_ in ("oprd", "xcomp", "ccomp") and token.head.pos_ == "VERB":
        pointer = next((c for c in token.head.children if c.dep_ == "dobj" and c.i != token.i), None)
        verb = token.head
    elif token.dep_ == "pobj" and token.head.lower_ == "as":
        verb = token.head.head
        pointer = next((c for c in verb.children if c.dep_ == "dobj"), None)
    else:
        return None
    if pointer is None or not is_claim_pointer(pointer) or not _is_false(token):
        return None
    disputer = disputer_of(verb) if verb.lemma_ != "be" else None
    word = next(
        t for t in token.subtree if t.lemma_.lower() in FALSITY_WORDS or t.lower_ in ("true", *FALSITY_WORDS)
    )
    return DisputeExpr(word, word.idx + len(word), disputer, pointer, owner_of(pointer), _clause_of(pointer))


def _no_evidence(token: Token) -> DisputeExpr | None:
    """'there is no evidence that P', 'no evidence of P', 'offered no proof'."""
    if token.pos_ != "NOUN" or token.lemma_.lower() not in EVIDENCE_NOUNS:
        return None
    if not any(c.lower_ in ("no", "little") and c.dep_ == "det" for c in token.children):
        return None
    clause = _clause_of(token)
    if not clause and (obj := _pobj(token, "of", "for", "that")) is not None:
        clause = frozenset(t.i for t in obj.subtree)
    if not clause:
        return None
    verb = token.head
    return DisputeExpr(
        token,
        token.idx + len(token),
        disputer_of(verb) if verb.lemma_ not in ("be",) else None,
        None,
        None,
        clause,
    )


_TRIGGER_LEMMAS = (DISPUTE_LEMMAS | POINTER_LEMMAS | BACK_LEMMAS | frozenset(DISPUTE_NOUNS) | EVIDENCE_NOUNS
                   | VERDICT_NOUNS | {"accuse", "charge"})


def _candidates(doc: Doc) -> list[Token]:
    """The tokens a dispute rule can fire on: a trigger lemma of one of them, or a falsity word ("true"
    included) in the token's subtree (the falsity rule); every other token is passed over unread."""
    falsity: set[int] = set()
    lemmas = []
    for t in doc:
        lemma = t.lemma_.lower()
        lemmas.append(lemma)
        low = t.lower_
        if lemma in FALSITY_WORDS or low in FALSITY_WORDS or low == "true":
            falsity.add(t.i)
            falsity.update(a.i for a in t.ancestors)
    return [doc[i] for i, lemma in enumerate(lemmas) if lemma in _TRIGGER_LEMMAS or i in falsity]


def find_disputes(doc: Doc) -> list[DisputeExpr]:
    """Every dispute expression of the document, in text order (one per disputing word)."""
    out: list[DisputeExpr] = []
    for token in _candidates(doc):
        found = (
            _verb_dispute(token)
            or _light_verb_dispute(token)
            or _falsity(token)
            or _no_evidence(token)
            or _verdict(token)
            or _accusation(token)
        )
        if found is None:
            continue
        if found.pointer is not None and any(
            x.pointer is not None and x.pointer.i == found.pointer.i for x in out
        ):
            continue  # "dismissed them as nonsense": one dispute
        if any(x.cue.i in {a.i for a in found.cue.ancestors} for x in out):
            continue  # "accused Labour of lying about the figures": the outer expression says it
        out.append(found)
    return out
