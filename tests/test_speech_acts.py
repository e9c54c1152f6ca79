"""Who said what, beyond the seed: the resolver (resolve.py), transcripts, disputes (disputes.py) and the
polarity of speech acts, one rule per test on small hand-written texts through the real pipeline
(spaCy parse, entity extractor, quotes, claims)."""

from __future__ import annotations

import json

import pytest

from newsdesk.tools.extract.checkworthiness import score_sentence
from newsdesk.tools.extract.claims import extract_claims
from newsdesk.tools.extract.entities import extract_entities
from newsdesk.tools.extract.gender import first_name_gender
from newsdesk.tools.extract.quotes import extract_quotes
from newsdesk.tools.models import Claim, Entity, Quote


@pytest.fixture(scope="module")
def analyse(nlp):
    def run(text: str) -> tuple[list[Entity], list[Quote], list[Claim]]:
        doc = nlp(text)
        entities = extract_entities(doc, "t", None)
        quotes = extract_quotes(doc, "t", entities)
        return entities, quotes, extract_claims(doc, "t", entities, quotes)

    return run


def quote_with(quotes: list[Quote], words: str) -> Quote:
    hits = [q for q in quotes if words in q.text]
    assert hits, [q.text for q in quotes]
    return hits[0]


def claim_with(claims: list[Claim], words: str) -> Claim:
    hits = [c for c in claims if words in c.text]
    assert hits, [c.text for c in claims]
    return hits[0]


def disputers(analyse, text: str, words: str) -> list[str | None]:
    """Who disputes the claim holding these words."""
    _e, _q, claims = analyse(text)
    return [d.by.name for d in claim_with(claims, words).disputed_by]


# -- gender and pronouns --------------------------------------------------------------------------


def test_first_names_carry_gender_from_the_name_data_package():
    assert first_name_gender("Sandra Howard") == "f"
    assert first_name_gender("Michael Howard") == "m"
    assert first_name_gender("Howard") is None  # one word: no first name


def test_the_first_name_table_is_kept_in_the_cache_and_a_bad_cache_is_not_used(tmp_path, monkeypatch):
    from newsdesk.tools.extract import gender

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    gender.first_name_genders.cache_clear()
    try:
        derived = gender.first_name_genders()  # derived from the package's file, then written
        [cached] = (tmp_path / "newsdesk").glob("first-names-*.json")
        gender.first_name_genders.cache_clear()
        assert gender.first_name_genders() == derived and derived["sandra"] == "f"
        cached.write_text('{"sandra": "m"')  # cut short: derived again, and written whole
        gender.first_name_genders.cache_clear()
        assert gender.first_name_genders() == derived
        assert json.loads(cached.read_text()) == derived
    finally:
        gender.first_name_genders.cache_clear()


@pytest.mark.parametrize(
    ("text", "words", "speaker", "resolution", "evidence"),
    [
        pytest.param(
            "Theresa Green met Gordon Brown in London on Monday.\n\n"
            "Gordon Brown spoke about the budget for an hour.\n\n"
            '"We will not accept these cuts," she said.',
            "not accept", "Theresa Green", "pronoun", "gender f",
            id="she takes the last woman, not the last person",
        ),
        pytest.param(
            "Tony Blair praised George Bush on Wednesday.\n\n"
            'The prime minister said: "We must build anew our alliance.\n\n'
            '"All of us in positions of leadership have a duty to act."',
            "positions of leadership", "Tony Blair", "continuation", "continues",
            id="a continuation takes the speaker its quotation got by role",
        ),
        pytest.param(
            "Jane Holt, the chief executive, resigned on Monday.\n\n"
            "A spokesman for the Acme Corporation said the board would meet on Friday. "
            '"We will name a successor soon," he added.',
            "successor", "Acme Corporation", "pronoun", "'he'",
            id="he after a spokesman is the spokesman, for the organisation",
        ),
        pytest.param(
            "Home Office minister Hazel Blears spoke to MPs on Tuesday.\n\n"
            'Her comments have been described as "irresponsible" and "outrageous" by the Islamic Human '
            "Rights Commission.",
            "outrageous", "Islamic Human Rights Commission", "named", "mention",
            id="a passive speech act is spoken by its agent",
        ),
        pytest.param(
            'Michael Howard told his party that Labour would "do anything, say anything". "So far this year they '
            'have compared me to Fagin and to a flying pig. This morning Peter Hain even called me a mongrel.',
            "compared me to Fagin", "Michael Howard", "continuation", "continues",
            id="a quotation right after a quoted report's full stop goes on with it",
        ),
        pytest.param(
            "But Myron Ebell, an adviser on climate change to President Bush, has said there would be no "
            "change in the US stance. He claimed the US was the only country with independent scientists.",
            "only country", "Myron Ebell", "pronoun", "gender m",
            id="a name inside a speaker's apposition is no speaker for the pronouns after it",
        ),
        pytest.param(
            "Peter Misselbrook, a partner of the firm, said David McLetchie had been considering retirement. "
            'He added: "We fully understand the decision."',
            "fully understand", "Peter Misselbrook", "pronoun", "gender m",
            id="he continues the reporter, not the subject of what was reported",
        ),
        pytest.param(
            'Jane Smith was quoted as saying: "We will appeal."',
            "appeal", "Jane Smith", "named", "mention", id="but a self-reporting passive by its subject",
        ),
    ],
)
def test_the_speaker_and_how_it_was_found(analyse, text, words, speaker, resolution, evidence):
    _e, quotes, _c = analyse(text)
    q = quote_with(quotes, words)
    assert q.speaker.name == speaker and q.speaker.resolution == resolution
    assert evidence in (q.speaker.evidence or "")


@pytest.mark.parametrize(
    "text, words",
    [
        ("The government has been accused of underfunding research, making it harder to compete.",
         "underfunding research"),
        ('Richard Scrushy, 52, is accused of "directing" a $2.7bn accounting fraud at the company.', "directing"),
        ("Former boss Bernie Ebbers, who is accused of overseeing an $11bn fraud, never made accounting "
         "decisions.", "overseeing"),
        ("The organisation has found itself in trouble after being accused of helping to topple the "
         "president.", "helping to topple"),
    ],
)
def test_the_subject_of_a_passive_report_is_what_is_reported_on_not_its_source(analyse, text, words):
    _e, quotes, claims = analyse(text)
    said = [c for c in claims if words in c.text and c.attributed]
    assert said and all(c.claimant.entity_id is None and c.claimant.resolution == "unresolved" for c in said)
    assert all(q.speaker.entity_id is None for q in quotes if words in q.text)


def test_a_passive_frames_content_holds_neither_its_agents_by_nor_its_frame_preposition(analyse):
    _e, _q, claims = analyse(
        'Reports of a snap election have been described as "idle speculation" by Downing Street. '
        "Pensioners are being promised energy savings by the Liberal Democrats. "
        "Five managers are accused of breaches of safety laws."
    )
    texts = {c.text.strip('"') for c in claims if c.attributed}
    assert {"idle speculation", "energy savings", "breaches of safety laws"} <= texts, texts


def test_mrs_and_mr_with_one_surname_are_two_people(analyse):
    text = (
        "Michael Howard toured the marginal seats on Tuesday.\n\n"
        "Mr Howard said the campaign was going well.\n\n"
        "Mrs Howard said she had enjoyed the visits."
    )
    entities, quotes, _c = analyse(text)
    names = {e.name for e in entities if e.type == "PERSON"}
    assert "Michael Howard" in names and "Mrs Howard" in names
    her = quote_with(quotes, "enjoyed the visits")
    assert her.speaker.name == "Mrs Howard"
    him = quote_with(quotes, "going well")
    assert him.speaker.name == "Michael Howard"


# -- descriptions ---------------------------------------------------------------------------------


def test_a_description_after_a_named_subject_is_that_person(analyse):
    text = (
        "Donald Trump said on Friday that he had big plans for the final month.\n\n"
        "The Republican nominee noted that his campaign had not spent much on television."
    )
    _e, quotes, _c = analyse(text)
    q = quote_with(quotes, "not spent much")
    assert q.speaker.name == "Donald Trump" and q.speaker.resolution == "role"


def test_a_description_is_never_a_person_who_holds_another_office_of_that_name(analyse):
    text = (
        "Former welfare minister Frank Field said the party was divided.\n\n"
        "But the prime minister said the claims were a load of nonsense."
    )
    _e, quotes, _c = analyse(text)
    q = quote_with(quotes, "load of nonsense")
    assert q.speaker.entity_id is None  # no one the article names is the prime minister


def test_a_spokesperson_speaks_for_the_organisation_named_in_the_phrase(analyse):
    text = (
        "The Home Office published its figures on Monday.\n\n"
        'A Home Office spokeswoman said: "The system is working as intended."'
    )
    _e, quotes, _c = analyse(text)
    q = quote_with(quotes, "working as intended")
    assert q.speaker.name == "Home Office" and q.speaker.resolution == "role"


def test_the_spokesman_is_the_spokesperson_before_it_named_or_not(analyse):
    text = (
        'A Home Office spokesman said: "It is a grey area."\n\n'
        'The spokesman added: "There is no yes or no answer."\n\n'
        "John Prescott said the rules were clear. An unnamed spokesman said the rules were vague.\n\n"
        'The spokesman said: "The rules are not clear at all."'
    )
    _e, quotes, _c = analyse(text)
    assert quote_with(quotes, "no yes or no").speaker.name == "Home Office"
    assert quote_with(quotes, "not clear at all").speaker.entity_id is None  # not John Prescott


def test_he_never_refers_to_a_one_word_name_with_no_gender(analyse):
    # spaCy takes "Crossrail" for a person here; nothing in the article gives it a gender
    text = ("Jeremy de Souza, the project's director, met Crossrail bosses on Monday.\n\n"
            "Crossrail said the line would open in 2012. "
            '"We are on time and on budget," he said.')
    _e, quotes, _c = analyse(text)
    assert quote_with(quotes, "on budget").speaker.name != "Crossrail"


def test_a_modifier_never_speaks_for_the_head(analyse):
    text = 'Labour election co-ordinator Alan Milburn said: "Michael Howard is simply wrong on this."'
    _e, quotes, _c = analyse(text)
    assert quote_with(quotes, "simply wrong").speaker.name == "Alan Milburn"


# -- transcripts ----------------------------------------------------------------------------------


def test_transcript_turns_are_quotes_of_the_person_the_label_names(analyse):
    text = (
        "Senator Jane Miller spoke to the host Tom Baker on Sunday.\n\n"
        "BAKER: Will you support the bill this week?\n\n"
        "MILLER: No. The bill does nothing for the people of my state.\n\n"
        "BAKER: Is that your final word?\n\n"
        "Follow Tom Baker on Twitter @tombaker."
    )
    _e, quotes, _c = analyse(text)
    answer = quote_with(quotes, "does nothing for the people")
    assert answer.speaker.name == "Jane Miller" and answer.speaker.resolution == "transcript"
    assert answer.kind == "direct" and answer.quoted == []  # verbatim, but not in marks
    assert quote_with(quotes, "support the bill").speaker.name == "Tom Baker"
    assert not [q for q in quotes if "Follow" in q.text]


def test_one_capitalised_label_is_no_transcript(analyse):
    text = "UPDATE: The vote was moved to Thursday.\n\nThe council said the delay was needed."
    _e, quotes, _c = analyse(text)
    assert not [q for q in quotes if q.speaker.resolution == "transcript"]


# -- disputes -------------------------------------------------------------------------------------


def test_a_denial_of_claims_stated_in_place_disputes_that_claim(analyse):
    text = "Michael Howard has dismissed claims that his immigration policy was racist."
    _e, _q, claims = analyse(text)
    disputed = [c for c in claims if c.disputed_by]
    assert len(disputed) == 1
    claim = disputed[0]
    assert "immigration policy was racist" in claim.text
    (dispute,) = claim.disputed_by
    assert dispute.by.name == "Michael Howard"


def test_a_denial_links_to_the_earlier_claim_of_the_owner_it_names(analyse):
    text = (
        "Peter Hain said the Tory leader was acting like an attack dog.\n\n"
        "Michael Howard rejected Peter Hain's claim."
    )
    _e, _q, claims = analyse(text)
    claim = claim_with(claims, "acting like an attack dog")
    assert claim.claimant.name == "Peter Hain"
    assert [d.by.name for d in claim.disputed_by] == ["Michael Howard"]


def test_calling_allegations_untrue_disputes_them(analyse):
    text = (
        "Prosecutors alleged that Maria Lopez had hidden the money abroad.\n\n"
        "Her lawyer, David Kent, said the allegations were untrue."
    )
    _e, _q, claims = analyse(text)
    claim = claim_with(claims, "hidden the money")
    assert claim.disputed
    assert claim.disputed_by[0].cue.text == "untrue"


def test_no_evidence_for_a_proposition_disputes_it(analyse):
    text = "Officials said there was no evidence that the vote had been rigged."
    _e, _q, claims = analyse(text)
    assert [c for c in claims if c.disputed_by and "vote had been rigged" in c.text]


@pytest.mark.parametrize(
    "text",
    [
        "Clinton questioned whether Trump was ready for the job.",
        "The minister criticised the plan for new roads.",
        "The report contains information that contradicts it.",
    ],
)
def test_asking_or_criticising_a_plan_is_no_dispute(analyse, text):
    _e, _q, claims = analyse(text)
    assert not [c for c in claims if c.disputed_by]


# -- polarity and check-worthiness ----------------------------------------------------------------


def test_a_refusal_does_not_assert_what_it_refuses(analyse):
    _e, _q, claims = analyse("Liam Fox refused to discuss the plans for a tax cut.")
    claim = claim_with(claims, "discuss the plans")
    assert claim.stance == "refuses"


def test_a_number_inside_a_name_is_not_a_quantity():
    reasons = score_sentence("He spoke outside 10 Downing Street on Monday.").reasons
    assert not any("number" in r for r in reasons)
    assert any("number" in r for r in score_sentence("About 3,000 troops were sent to the border.").reasons)


def test_a_shared_surname_is_the_person_named_last_before_it(analyse):
    text = (
        "Gary Johnson campaigned in Ohio on Monday.\n\n"
        "Homeland Security Secretary Jeh Johnson said the vote was safe.\n\n"
        "Johnson added that local officials should stay vigilant."
    )
    entities, quotes, _c = analyse(text)
    assert quote_with(quotes, "stay vigilant").speaker.name == "Jeh Johnson"


def test_paragraphs_of_one_quotation_run_together_stay_one_speakers_quote(analyse):
    text = (
        "Michael Howard was asked about his parents.\n\n"
        'He replies: "What is the inference of that? "That you cannot have a view on immigration? '
        '"That seems to me an absolutely extraordinary proposition."'
    )
    _e, quotes, _c = analyse(text)
    q = quote_with(quotes, "extraordinary proposition")
    assert q.speaker.name == "Michael Howard"
    assert "inference of that" in q.text  # one quotation, three fragments


def test_a_noun_phrase_frame_is_reported_speech(analyse):
    text = "Donald Trump has called climate change a hoax perpetrated by China."
    _e, quotes, claims = analyse(text)
    q = quote_with(quotes, "climate change a hoax")
    assert q.kind == "indirect" and q.speaker.name == "Donald Trump"
    assert claim_with(claims, "climate change a hoax").claimant.name == "Donald Trump"


def test_a_person_of_a_named_person_is_nobody_the_article_names_nearby(analyse):
    text = (
        "Tim Morrison testified on Tuesday.\n\n"
        "Morrison's lawyer said the question was outside the scope of his testimony.\n\n"
        "Steve Castor asked about the call."
    )
    _e, quotes, _c = analyse(text)
    q = quote_with(quotes, "outside the scope")
    assert q.speaker.entity_id is None and q.speaker.name == "Morrison's lawyer"


def test_a_contrast_disputes_the_earlier_claim_it_shares_most_words_with(analyse):
    text = (
        "Gordon Brown said the International Finance Facility was winning support among rich nations.\n\n"
        "Ralph Goodale said the meeting had been useful.\n\n"
        "But John Taylor said the US could not support the International Finance Facility."
    )
    _e, _q, claims = analyse(text)
    assert [d.by.name for d in claim_with(claims, "winning support").disputed_by] == ["John Taylor"]
    assert not claim_with(claims, "had been useful").disputed_by


def test_us_in_capitals_is_a_country_not_a_pronoun(analyse):
    text = (
        "The United States sent its finance minister to London.\n\n"
        "But the US says it cannot support the new finance facility."
    )
    _e, quotes, _c = analyse(text)
    assert quote_with(quotes, "cannot support").speaker.name == "United States"


def test_a_question_and_answer_transcript_gives_the_answers_to_the_person_introduced(analyse):
    text = (
        "Nobel laureate Maria Santos spoke to us about climate policy. Santos has led the panel since 2019.\n\n"
        "Q: Will the targets be met?\n\n"
        "A: Not unless governments double their spending this decade.\n\n"
        "Q: Is that realistic?"
    )
    _e, quotes, _c = analyse(text)
    answer = quote_with(quotes, "double their spending")
    assert answer.speaker.name == "Maria Santos" and answer.speaker.resolution == "transcript"
    assert quote_with(quotes, "targets be met").speaker.entity_id is None  # the interviewer is not named


def test_a_denial_is_the_disputers_claim_too(analyse):
    text = "Tony Blair has dismissed reports that he told Gordon Brown he would quit before the election."
    _e, _q, claims = analyse(text)
    denial = [c for c in claims if c.claimant.name == "Tony Blair" and c.stance == "denies"]
    assert denial and "would quit" in denial[0].text
    disputed = [c for c in claims if c.disputed_by]
    assert disputed and disputed[0].claimant.name == "(no source given)"
    assert disputed[0].disputed_by[0].claim_id == denial[0].id


def test_it_after_a_book_is_the_books_author(analyse):
    text = (
        "The book, by journalist Robert Peston, said the pair had fallen out.\n\n"
        "It claims that Tony Blair had lost the trust of voters by 2003."
    )
    _e, quotes, _c = analyse(text)
    assert quote_with(quotes, "lost the trust").speaker.name == "Robert Peston"


@pytest.mark.parametrize(
    ("text", "words", "speaker"),
    [
        (
            "John Ferris, 56, was arrested in May.\n\n"
            '"I did nothing wrong," said the 56-year-old, who denies the charges.',
            "did nothing wrong",
            "John Ferris",
        ),
        (
            "Vodafone announced the merger on Monday.\n\n"
            "The company said the deal would close by the end of the year.",
            "would close",
            "Vodafone",
        ),
        (  # a role names one person throughout the article
            "Tony Blair has dismissed reports he made a deal with Gordon Brown.\n\n"
            '"You do not do deals over jobs like this," the prime minister told the BBC.\n\n'
            "Mr Brown said on Monday that the economy was strong.\n\n"
            "But the prime minister said the rumours were a load of nonsense.",
            "rumours were",
            "Tony Blair",
        ),
        (  # "the statement" is the last statement's issuer
            "Amnesty International has criticised the trial of the two journalists in Cairo.\n\n"
            'An Amnesty International statement said: "The court\'s decision is erroneous." '
            'The statement continued: "Both cases will be referred to arbitration."',
            "referred to arbitration",
            "Amnesty International",
        ),
        (  # "co-chairman" is one word (split, the parser took "co" for the subject)
            "Tory co-chairman Liam Fox said Labour was telling lies about tax.\n\n"
            "Mr Blair rejected the charge on Monday.\n\n"
            'The Tory co-chairman said the pledges were "vacuous".',
            "vacuous",
            "Liam Fox",
        ),
    ],
)
def test_a_description_the_article_supports_is_resolved(analyse, text, words, speaker):
    _e, quotes, _c = analyse(text)
    q = quote_with(quotes, words)
    assert q.speaker.name == speaker and q.speaker.resolution == "role"


def test_an_honorific_makes_a_person_whatever_the_ner_label(analyse):
    text = (
        "Home Office minister Hazel Blears said searches would target people of Islamic appearance.\n\n"
        "Critics attacked the comments. Ms Blears said the powers were not aimed at one community."
    )
    entities, _q, claims = analyse(text)
    blears = [e for e in entities if "Blears" in e.name]
    assert [e.name for e in blears] == ["Hazel Blears"] and blears[0].type == "PERSON"
    assert claim_with(claims, "not aimed at").claimant.name == "Hazel Blears"


@pytest.mark.parametrize("gap, disputed", [(0, True), (4, False)])
def test_an_accusation_disputes_what_the_accused_said_just_before(analyse, gap, disputed):
    filler = "".join(f"The committee met on day {n} of the hearings.\n\n" for n in range(gap))
    text = (
        "Hazel Blears said innocent Muslims would be stopped more often.\n\n"
        + filler
        + "Massoud Shadjareh accused Ms Blears of playing an Islamophobia card."
    )
    assert disputers(analyse, text, "stopped more often") == (["Massoud Shadjareh"] if disputed else [])


def test_the_claims_points_back_at_the_claim_made_with_that_verb(analyse):
    text = (
        "Martin Mubanga claimed he was stripped and beaten at the camp.\n\n"
        "He said he had been held for three years without a lawyer.\n\n"
        "His family said he was looking forward to a quiet life.\n\n"
        "Officials in Washington said the camp was run lawfully.\n\n"
        "The US government denied the claims."
    )
    assert disputers(analyse, text, "stripped and beaten") == ["US government"]


@pytest.mark.parametrize(
    ("text", "words", "claimant", "stance"),
    [
        pytest.param(
            "Lord Woolf said the guidelines would spare victims the trauma of court.\n\n"
            "But director of the Victims of Crime Trust, Norman Brennan, said the guidelines were a disgrace.",
            "were a disgrace",
            "Norman Brennan",
            "asserts",
            id="a_name_set_off_after_a_role_and_its_of_phrase_is_the_speaker",
        ),
        pytest.param(
            "Michael Howard suspended the Slough association for refusing to deselect its candidate.",
            "deselect its candidate",
            "the Slough association",
            "refuses",
            id="who_is_faulted_for_a_speech_act_is_its_source",
        ),
    ],
)
def test_the_claimant_is_the_source_the_sentence_gives(analyse, text, words, claimant, stance):
    _e, _q, claims = analyse(text)
    claim = claim_with(claims, words)
    assert (claim.claimant.name, claim.stance) == (claimant, stance)


@pytest.mark.parametrize(
    "text, disputed",
    [
        ("Critics say the constitution is a step towards a federal Europe, but advocates say the constitution "
         "ensures the enlarged EU works.", True),
        ("Although Sony said it wanted to launch the PSP in Europe in March, gamers fear the launch has been "
         "put back.", True),
        ("Other countries are reported to have pledged cash, but the State Department said it was examining "
         "what aid was needed.", False),  # nothing in common: two reports side by side
    ],
)
def test_a_claim_set_against_another_in_its_sentence_disputes_it(analyse, text, disputed):
    _e, _q, claims = analyse(text)
    first = min((c for c in claims if c.attributed), key=lambda c: c.start)
    assert bool(first.disputed_by) is disputed, [(c.text, c.disputed_by) for c in claims]


@pytest.mark.parametrize(
    "text, words, disputer",
    [
        pytest.param(
            "The minister, Anna Berg, said the new law would protect patients.\n\n"
            "But critics say the law could allow doctors to end lives.",
            "protect patients",
            "critics",
            id="critics_dispute_the_claim_before_them",
        ),
        pytest.param(
            "Labour said the Tory tax plans would cost £35bn.\n\n"
            "Michael Howard accused Labour of lying about the figures.",
            "would cost",
            "Michael Howard",
            id="an_accusation_of_lying_disputes_the_accused_claim",
        ),
        pytest.param(
            "Michael Ancram said ministers were running scared of a referendum.\n\n"
            "Jack Straw hit back by saying Tory attitudes had kept the party out of power.",
            "running scared",
            "Jack Straw",
            id="a_reply_by_saying_is_a_reply_and_hitting_back_disputes",
        ),
        pytest.param(
            "The government said the EU constitution would make Europe easier to understand.\n\n"
            "Michael Ancram criticised the government for claiming the constitution was simple.",
            "easier to understand",
            "Michael Ancram",
            id="faulting_someone_for_a_speech_act_disputes_their_claim",
        ),
        pytest.param(
            "Stephanie Grisham said the call with Zelensky was perfectly normal.\n\n"
            "However, Alexander Vindman told lawmakers that the call was improper.",
            "perfectly normal",
            "Alexander Vindman",
            id="a_contrasting_claim_of_someone_else_disputes_the_one_before",
        ),
        pytest.param(
            "Tony Blair has dismissed reports he made a deal with Gordon Brown.\n\n"
            '"You do not do deals over jobs like this," the prime minister told the BBC.\n\n'
            "There was speculation that Mr Brown and the prime minister had argued over the tsunami.\n\n"
            "But the prime minister said he had discussed these claims with Mr Brown and dismissed them.",
            "had argued",
            "Tony Blair",
            id="he_after_a_resolved_role_source_is_that_person",
        ),
    ],
)
def test_a_claim_is_disputed_by_what_answers_it(analyse, text, words, disputer):
    assert disputers(analyse, text, words) == [disputer]


# -- roles -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lead, named",
    [
        ("Police stop more Muslims, a Home Office minister has said.", True),  # the lead names no one
        ("Police say they stop more Muslims.\n\nOn Monday a Home Office minister spoke.", False),  # not the lead
    ],
)
def test_an_indefinite_role_in_the_lead_is_the_person_the_next_paragraph_names(analyse, lead, named):
    text = lead + '\n\nHazel Blears said innocent Muslims would be targeted.\n\n"It is a reality," she said.'
    _e, quotes, _c = analyse(text)
    hits = [q for q in quotes if "Muslims" in q.text and q.speaker.mention and "minister" in q.speaker.mention.text]
    if named:
        assert hits and hits[0].speaker.name == "Hazel Blears"
    else:
        assert all(q.speaker.name != "Hazel Blears" for q in hits)


def test_a_paper_is_no_person(analyse):
    text = (
        "Spanish daily ABC accuses Michael Owen of launching a witch-hunt. "
        '"Perhaps it was because the team had played so poorly," the paper says.'
    )
    _e, quotes, _c = analyse(text)
    assert quote_with(quotes, "played so poorly").speaker.name != "Michael Owen"


# (text, words of the claim, its claimant's name; None: no entity)
CLAIMANTS = [
    pytest.param('The European Union met in Brussels on Saturday.\n\n'
                 'EU ministers said "excess volatility" would impede economic growth.',
                 "excess volatility", ("EU", "European Union"), id="plural members speak for their organisation"),
    pytest.param("The European Union met in Brussels on Saturday.\n\nSome EU ministers said the deal was too weak.",
                 "too weak", None, id="some of them do not"),
    pytest.param("Leaders' debates should be held, according to the Hansard Society.\n\n"
                 "It would then be up to the party leaders to decide, the non-partisan charity said.",
                 "up to the party leaders", ("Hansard Society",),
                 id="a description of a kind takes the organisation just quoted"),
    pytest.param("Leaders' debates should be held, according to the Hansard Society.\n\n"
                 "The government said it had no plans for debates.",
                 "no plans for debates", ("the government",),
                 id="the government is a body of its own, not the organisation just quoted"),
    pytest.param("Concessions on the bill were not a political ploy, the lord chancellor has said.\n\n"
                 "The changes were offered late on Tuesday. Lord Falconer said it was fair to criticise the timing.",
                 "not a political ploy", ("Falconer", "Lord Falconer"),
                 id="a lower-case role the tagger took for a name, identified in the next paragraph"),
    pytest.param("Peter Hain, Leader of the Commons, told BBC Radio Four's Today programme that Mr Howard's "
                 "stance on the anti-terrorism legislation was putting the country at risk.",
                 "putting the country at risk", ("Peter Hain",),
                 id="a that-clause hung from the one addressed is what was said"),
    pytest.param("Vodafone posted record profits in March.\n\nIt has been widely expected to return cash to "
                 "its shareholders this year.",
                 "return cash", None, id="a passive 'it' is nobody in particular"),
    pytest.param("Curfews and community service orders were other options which could be used if court orders "
                 "to allow parental access were defied, Lord Falconer said.",
                 "other options", ("Lord Falconer", "Falconer"),
                 id="a reporting verb and its subject closing the sentence after a comma, however parsed"),
    pytest.param("Gordon Brown spoke on Monday.\n\nIn an upbeat report, he slightly increased borrowing but "
                 "insisted economic targets would be met.",
                 "targets would be met", ("Gordon Brown",),
                 id="a reporting verb after 'but' that the parser took for an adjective"),
    pytest.param("Manchester City boss Kevin Keegan praised striker Robbie Fowler for his return to form.",
                 "return to form", ("Kevin Keegan",), id="a noun-phrase report: praised X for Y"),
    pytest.param("This, said Sloncek, should make the system less vulnerable to legal action.",
                 "less vulnerable", ("Sloncek",), id="an inverted aside after the first word"),
]


@pytest.mark.parametrize(("text", "words", "names"), CLAIMANTS)
def test_the_claimant_of_a_reported_claim(analyse, text, words, names):
    _e, _q, claims = analyse(text)
    claim = claim_with(claims, words)
    assert claim.attributed
    if names is None:
        assert claim.claimant.entity_id is None, claim.claimant
    else:
        assert claim.claimant.name in names, claim.claimant


def test_an_appositive_subject_set_off_by_commas_is_no_aside(analyse):
    _e, _q, claims = analyse("Amanda Champion's killer, James Ford, pleaded guilty to her murder in July.")
    assert not any(c.attributed for c in claims)
