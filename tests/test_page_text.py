"""Page-text cleaning: the seed page against its hand-made gold, and each rule on small built pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.tools.extract.html_page import extract_html
from newsdesk.tools.extract.page_text import PageText, clean_page_text, drop_furniture, find_date

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = REPO / "seeds" / "000_a621f7fa4f80e312.txt"
GOLD = SHARED / "gold" / "seed_article.gold.json"

# Body paragraphs of a made-up article, used to build pages around them.
BODY = [
    (
        "The city council voted on Tuesday to close the old harbour bridge to cars from next spring, ending "
        "decades of debate about the crumbling crossing."
    ),
    (
        "Engineers told councillors that the steel supports had corroded faster than expected and that heavy "
        "traffic could no longer be allowed on the span."
    ),
    (
        'Mayor Jane Porter said: "We have put this off for too long, and the people who cross it every day '
        'deserve a safe route."'
    ),
    (
        "Cyclists and pedestrians will still be able to use the bridge while a replacement is designed, the "
        "council said in a statement after the meeting."
    ),
    (
        "Local traders warned that the closure would push delivery vans onto narrow streets in the old town, "
        "where parking is already scarce."
    ),
    (
        "A public consultation on the design of the new bridge will open in the autumn and run for twelve "
        "weeks, officials added."
    ),
]
NAV = ["Home", "News", "Sport", "Business", "Weather", "Sign in", "Search"]
TAIL = [
    "More Latest News",
    "See more More Latest News",
    "Harbour festival cancelled after storm damages the main stage overnight",
    "Firefighters rescued two walkers from the cliffs near the lighthouse.",
    "Rescue crews praised after dramatic cliff operation in heavy rain and wind",
    "Train strike called off at the last minute as talks resume between the two sides",
    "Council tax set to rise again as budget gap widens across the region",
]


def page(*blocks: list[str]) -> str:
    return "\n\n".join(line for block in blocks for line in block)


def body_text(pt: PageText) -> str:
    return "\n".join(pt.paragraphs)


# --- the seed page against the gold -------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> tuple[PageText, dict]:
    if not GOLD.is_file():
        pytest.skip(f"gold answers not found at {GOLD} (the shared data folder sits next to the repo)")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["article"]
    header, text = SEED.read_text(encoding="utf-8").split("\n", 1)
    label, _date, headline = header.split(None, 2)
    assert label == "date"
    return clean_page_text(text, headline=headline), gold


def test_seed_title_date_and_byline_match_the_gold(seed: tuple[PageText, dict]) -> None:
    pt, gold = seed
    assert pt.title == gold["title"].strip()
    assert pt.date == gold["date"]
    assert pt.byline is not None and gold["byline"] in pt.byline
    assert not pt.byline.lower().startswith("by ")


def test_seed_body_starts_and_ends_with_the_gold_sentences(seed: tuple[PageText, dict]) -> None:
    pt, gold = seed
    assert pt.paragraphs[0].startswith(gold["body_first_sentence"])
    assert pt.paragraphs[-1].endswith(gold["body_last_sentence"])


def test_seed_body_has_the_gold_number_of_paragraphs(seed: tuple[PageText, dict]) -> None:
    pt, gold = seed
    assert len(pt.paragraphs) == gold["body_paragraph_count"]


def test_seed_body_includes_every_must_include_text(seed: tuple[PageText, dict]) -> None:
    pt, gold = seed
    body = body_text(pt)
    assert [t for t in gold["must_include"] if t not in body] == []


def test_seed_body_excludes_every_must_exclude_text(seed: tuple[PageText, dict]) -> None:
    pt, gold = seed
    body = body_text(pt)
    assert [t for t in gold["must_exclude"] if t in body] == []


# --- rules on built pages -----------------------------------------------------------------------------


def test_a_built_page_gives_back_exactly_its_body_paragraphs_in_order() -> None:
    pt = clean_page_text(page(NAV, ["Bridge to close to cars next spring"], BODY, TAIL))
    assert pt.paragraphs == BODY


def test_a_caption_repeated_with_a_picture_credit_is_removed_with_its_credit() -> None:
    caption = "Engineers inspect the corroded steel supports under the bridge during a survey last month"
    for credit in (". Picture: Alamy", ". Photo: Reuters", ". (Getty Images)"):
        text = page(NAV, BODY[:2], [f"{caption}.\n{caption}{credit}"], BODY[2:], TAIL)
        pt = clean_page_text(text)
        assert pt.paragraphs == BODY, credit
        assert "corroded steel supports under" not in body_text(pt)


def test_a_caption_above_a_credit_line_is_removed() -> None:
    caption = "Mayor Jane Porter speaks to reporters outside the town hall after the vote on Tuesday."
    for credit in ("Photo: Sam Lee, AP", "Sam Lee | Getty Images", "(Sam Lee/Reuters)"):
        text = page(NAV, BODY[:3], [f"{caption}\n{credit}"], BODY[3:], TAIL)
        assert clean_page_text(text).paragraphs == BODY, credit


def test_a_long_caption_ending_in_an_agency_credit_is_removed() -> None:
    caption = (
        "Mayor Jane Porter, centre, walks across the old harbour bridge with engineers and council "
        "officials before the vote in the town hall on Tuesday, March 5, 2024. (AP Photo/Sam Lee)"
    )
    assert clean_page_text(page(NAV, BODY[:3], [caption], BODY[3:], TAIL)).paragraphs == BODY


def test_read_more_and_related_link_lines_are_removed() -> None:
    links = [
        "Read more: Is the harbour bridge safe to cross? Engineers explain.",
        "Related: What the bridge closure means for your commute.",
        "ALSO READ | Why the old bridge matters to the town's history.",
    ]
    pt = clean_page_text(page(NAV, BODY[:3], links, BODY[3:], TAIL))
    assert pt.paragraphs == BODY


def test_audio_share_and_subscribe_widget_lines_are_removed() -> None:
    widgets = [
        "Listen to this article",
        "Loading audio...",
        "Share this article",
        "Advertisement",
        "Sign up for our daily newsletter to get the top stories in your inbox.",
        "Copy link",
    ]
    pt = clean_page_text(page(NAV, BODY[:1], widgets, BODY[1:], TAIL))
    assert pt.paragraphs == BODY


def test_the_headline_of_another_story_between_paragraphs_is_removed() -> None:
    other = "Former harbour master fears what the closure could mean for the ferry service"
    pt = clean_page_text(page(NAV, BODY[:4], [other], BODY[4:], TAIL))
    assert pt.paragraphs == BODY


def test_a_short_line_also_shown_elsewhere_on_the_page_is_not_a_subheading() -> None:
    promo = "Harbour bridge in pictures"
    pt = clean_page_text(page([*NAV, promo], BODY[:3], [promo], BODY[3:], TAIL))
    assert pt.paragraphs == BODY


def test_a_short_subheading_inside_the_article_is_kept() -> None:
    pt = clean_page_text(page(NAV, BODY[:3], ["What happens next"], BODY[3:], TAIL))
    assert pt.paragraphs == [*BODY[:3], "What happens next", *BODY[3:]]


def test_the_tail_of_other_headlines_and_captions_after_the_article_is_removed() -> None:
    pt = clean_page_text(page(NAV, BODY, TAIL))
    assert pt.paragraphs[-1] == BODY[-1]
    assert "Firefighters rescued" not in body_text(pt)


def test_comments_after_the_article_are_not_body_even_when_longer() -> None:
    comment = (
        "About time they did something about that bridge, it has been falling apart for years now and "
        "everyone who lives near the harbour knows it. The council should have acted a decade ago, "
        "before the repairs became this expensive for all of us."
    )
    comments = ["12 Comments", *(f"reader{i} says:\n{comment}" for i in range(6))]
    pt = clean_page_text(page(NAV, BODY, comments))
    assert pt.paragraphs == BODY


def test_unpunctuated_items_announced_by_a_colon_are_kept() -> None:
    items = [
        "North bank to Mill Street from 8am",
        "South bank to the ferry terminal from 9am",
        "Old town loop every twenty minutes until late",
    ]
    body = [*BODY[:3], "The council listed the replacement bus routes:", *items, *BODY[3:]]
    assert clean_page_text(page(NAV, body, TAIL)).paragraphs == body


def test_a_paragraph_opening_a_quote_that_is_never_closed_is_kept_whole() -> None:
    unclosed = (
        'The mayor added: "The bridge has served us for a hundred years, but nobody should have to '
        "wonder whether it will hold when they drive across it."
    )
    continued = '"We will build something better, and we will build it quickly."'
    body = [*BODY[:2], unclosed, continued, *BODY[2:]]
    pt = clean_page_text(page(NAV, body, TAIL))
    assert pt.paragraphs == body


def test_the_date_line_and_byline_are_captured_and_not_kept_in_the_body() -> None:
    text = page(NAV, ["Bridge to close to cars next spring", "6 December 2024, 15:39", "By Kit Heren"], BODY)
    pt = clean_page_text(text, headline="Bridge to close to cars next spring")
    assert (pt.title, pt.date, pt.byline) == (
        "Bridge to close to cars next spring",
        "2024-12-06",
        "Kit Heren",
    )
    assert pt.paragraphs == BODY


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("6 December 2024, 15:39", "2024-12-06"),
        ("Updated: Nov. 18, 2019 at 9:41 AM", "2019-11-18"),
        ("Published 2021-03-07T10:00:00Z", "2021-03-07"),
        ("Posted on September 15th, 2014 by Regan", "2014-09-15"),
        ("No date here", None),
        ("In 2019 the council met 31 times", None),
    ],
)
def test_dates_are_read_in_common_written_forms(text: str, iso: str | None) -> None:
    assert find_date(text) == iso


def test_clean_plain_text_is_kept_entirely_short_quoted_lines_included() -> None:
    lines = [
        "Bridge to close to cars next spring",
        "",
        *BODY[:3],
        '"We will win," he said.',
        "She agreed.",
        *BODY[3:],
    ]
    pt = clean_page_text("\n".join(lines))
    assert pt.title == "Bridge to close to cars next spring"
    assert pt.paragraphs == [*BODY[:3], '"We will win," he said.', "She agreed.", *BODY[3:]]


def test_a_paragraph_broken_over_lines_is_rejoined() -> None:
    broken = BODY[0].replace(" to close", "\nto close")
    assert clean_page_text(page([broken], BODY[1:])).paragraphs == BODY


def test_empty_or_blank_text_gives_an_empty_page() -> None:
    assert clean_page_text("") == PageText()
    assert clean_page_text("\n \n\t\n", headline="Title") == PageText(title="Title")


# --- the HTML path ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "   ",
        "<<<>>>",
        "\x00\x01\x02",
        "plain words, no markup",
        "<html><body></body></html>",
        "<div>" * 3000,
        '<?xml version="1.0"?><a/>',
    ],
)
def test_html_junk_does_not_raise_and_gives_an_empty_page(junk: str) -> None:
    pt = extract_html(junk)
    assert isinstance(pt, PageText)
    assert pt.paragraphs == []


def test_html_article_paragraphs_come_back_whole_and_in_order() -> None:
    html = (
        "<html><head><title>Bridge to close to cars next spring</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article>"
        "<h1>Bridge to close to cars next spring</h1>"
        + "".join(f"<p>{p}</p>" for p in BODY)
        + "</article><footer>© 2024 The Paper</footer></body></html>"
    )
    pt = extract_html(html, url="https://example.com/news/bridge")
    assert pt.title == "Bridge to close to cars next spring"
    assert [p for p in pt.paragraphs if p in BODY] == BODY


ARTICLE_LINES = [
    "The city council voted on Tuesday night to close the old river bridge to all traffic from next month.",
    "Engineers found cracks in two of the bridge's supports during an inspection in the spring, the council said.",
    "Repairs are expected to take at least eight months and will cost about 4 million pounds, officials added.",
    "Local shop owners said they feared the closure would keep customers away during the busy summer season.",
    "The council said a temporary footbridge would open next to the old crossing before the works began.",
]
COMMENTS = ["I have driven over that bridge every day for years and never noticed anything wrong with it at all.",
            "Typical council, always closing things down instead of fixing them on time and on budget as promised."]


def test_a_bracketed_comment_count_ends_the_article():
    page = "\n\n".join(["Bridge to close for repairs", *ARTICLE_LINES, "[ 167 comments ]", *COMMENTS])
    body = clean_page_text(page).paragraphs
    assert body[-1] == ARTICLE_LINES[-1] and not set(COMMENTS) & set(body)


def test_an_empty_comments_widget_above_the_article_does_not_end_it():
    more = [line.replace("council", "committee") for line in ARTICLE_LINES]
    page = "\n\n".join(["Bridge to close for repairs", *ARTICLE_LINES, "0 Comments", *more])
    assert clean_page_text(page).paragraphs == ARTICLE_LINES + more


def test_a_headerless_text_takes_its_title_only_from_a_line_that_reads_as_a_headline(tmp_path):
    from newsdesk.tools.corpus import read_file

    menu = tmp_path / "bridge-story.txt"
    menu.write_text("Skip to main content\n\nHome | News | Sport | Weather\n\n" + "\n\n".join(ARTICLE_LINES) + "\n")
    titled = tmp_path / "titled.txt"
    titled.write_text("Council to close the old river bridge\n\n" + "\n\n".join(ARTICLE_LINES) + "\n")
    assert read_file(menu, menu.read_bytes(), 10**6)[0].page.title == "bridge story"
    assert read_file(titled, titled.read_bytes(), 10**6)[0].page.title == "Council to close the old river bridge"
    # A headline-like first line that says nothing of the lead (a site's tagline) is no title either.
    tagline = tmp_path / "tagline-story.txt"
    tagline.write_text("Your Daily Source Of Great Deals\n\n" + "\n\n".join(ARTICLE_LINES) + "\n")
    assert read_file(tagline, tagline.read_bytes(), 10**6)[0].page.title == "tagline story"


def test_in_a_saved_page_the_title_is_the_line_above_the_article_that_names_its_lead():
    page = "\n".join(["Share this with LinkedIn", "Council to close the old river bridge", "You are signed in as",
                      *ARTICLE_LINES])
    assert clean_page_text(page).title == "Council to close the old river bridge"


def test_donation_appeals_tag_lines_and_tag_clouds_are_not_body():
    appeal = "If you value our reporting, please consider making a donation of any size to keep it free for all."
    tags = "Tags: Bridges, Transport, City Council, Roadworks, Local Government"
    cloud = ("Politics Brexit Theresa May European Union Parliament Labour Conservatives Scotland Wales "
             "Northern Ireland Elections Economy Health Education Immigration Defence")
    page = "\n\n".join(["Bridge to close for repairs", *ARTICLE_LINES[:3], appeal, *ARTICLE_LINES[3:], tags, cloud])
    assert clean_page_text(page).paragraphs == ARTICLE_LINES
    reported = "The attorney general confirmed that the foundation was not registered to solicit donations in the state."
    page = "\n\n".join(["Bridge to close for repairs", *ARTICLE_LINES, reported])
    assert clean_page_text(page).paragraphs == [*ARTICLE_LINES, reported]


_EXTRACTED = [
    "Storm hits the coast",
    "A storm hit the coast on Monday, cutting power to thousands of homes across the region.",
    "Related: Ten storms that changed the coast",
    "Officials said repairs would take a week, and urged residents to stay indoors.",
    "Follow us on Twitter",
    "Get the latest updates right in your inbox. Subscribe to our newsletters.",
    "The council will meet on Friday to discuss the damage and the cost of repairs.",
]


def test_an_extractors_body_loses_the_repeated_headline_links_and_promos_but_no_sentence() -> None:
    kept = drop_furniture(_EXTRACTED, title="Storm hits the coast")
    assert kept == [_EXTRACTED[1], _EXTRACTED[3], _EXTRACTED[6]]
    # Without the headline known, a first line is only dropped when it is furniture.
    assert drop_furniture(_EXTRACTED)[0] == "Storm hits the coast"


def test_a_trailing_list_of_other_stories_goes_but_an_announced_list_stays() -> None:
    body = ["Scientists built the largest simulation of the universe so far, a team said on Monday.",
            "- 15 Amazing Images of Stars", "- 11 Facts About Our Galaxy"]
    assert drop_furniture(body) == body[:1]
    announced = ["The team listed what the model needs:", "- More memory", "- Faster links"]
    assert drop_furniture(announced) == announced


def test_an_extractors_body_loses_long_offers_and_author_bios_with_a_handle_but_keeps_long_body() -> None:
    offer = ("Get access to the city's fastest growing business newsletter for as little as $5 for the first "
             "year. Use the code SAVE. The service offers you all the information you need, including "
             "investment ideas, independent research and analysis from our reporters.")
    bio = ("Jane Roe's book about the search for life on other worlds, \"Out There\", is out now. Follow her on "
           "Twitter @janeroe. Follow us on Twitter @example or on Facebook.")
    body = ("Officials said repairs would take a week, urged residents to stay indoors and promised to follow "
            "up with every household that had lost power, including those reached at the shelters.")
    assert drop_furniture([_EXTRACTED[1], offer, body, bio]) == [_EXTRACTED[1], body]


def test_contact_lines_shortcodes_and_comment_invitations_are_not_body():
    contact = "Have a tip? Jane Roe may be reached at jroe@example.com. Follow her on Twitter @janeroe."
    shortcode = '[button link="https://example.com/submit" type="big"] Send us your review[/button]'
    page = "\n\n".join(["Bridge to close for repairs", *ARTICLE_LINES, contact, shortcode, "Tell us what you think..."])
    assert clean_page_text(page).paragraphs == ARTICLE_LINES
    tweet = "Our new slogan is live! Follow the campaign at @SDmeth and share it with your friends today."
    assert tweet in clean_page_text("\n\n".join(["Bridge to close for repairs", *ARTICLE_LINES[:3], tweet,
                                                 *ARTICLE_LINES[3:]])).paragraphs


def test_a_subscription_offer_is_not_body_but_a_sentence_about_prices_is():
    offer = "Get Motor Cycle Monthly delivered through your letterbox every month. 12 issues for £11.99."
    pro = "Get access to the fastest growing financial subscription service for as little as Rs 599."
    news = "Subscribers will pay £11.99 a month from January, the company said on Tuesday."
    body = [ARTICLE_LINES[0], offer, news, pro]
    assert drop_furniture(body) == [ARTICLE_LINES[0], news]


def test_a_hover_card_inside_a_paragraph_is_not_part_of_it():
    card = ('<span class="rollover-people"><a class="rollover-people-link" href="/people/ann-lee">Ann Lee</a>'
            '<span class="rollover-people-block"><span class="rollover-block"><img src="a.jpg">'
            '<a href="/x">Ann Lee</a><a href="/y">Another story about something else entirely</a></span></span></span>')
    body = "".join(f"<p>{line}</p>" for line in ARTICLE_LINES[1:])
    html = (f"<html><head><title>Bridge</title></head><body><article><h1>Bridge to close</h1>"
            f"<p>The mayor, {card}, said on Tuesday night the old river bridge would close to all traffic.</p>"
            f"{body}</article></body></html>")
    paragraphs = extract_html(html).paragraphs
    assert "The mayor, Ann Lee, said on Tuesday night the old river bridge would close to all traffic." in paragraphs
    assert not any("Another story" in p for p in paragraphs)


def test_follow_us_sign_offs_and_bracketed_teasers_are_not_body():
    lines = ["Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.", "DON'T MISS",
             "China furious at Macron for protest jibe [INSIGHT]|", "Lakers vs Nets: NBA make final decision [VIDEO]"]
    page = "\n\n".join(["Bridge to close for repairs", *ARTICLE_LINES, *lines])
    assert clean_page_text(page).paragraphs == ARTICLE_LINES
    reported = "The mayor urged residents to follow the council on Twitter for updates on the closure."
    assert reported in clean_page_text("\n\n".join(["Bridge to close for repairs", *ARTICLE_LINES, reported])).paragraphs


def test_an_embedded_post_the_article_quotes_is_kept():
    tweet = ('<div class="social-media-embed"><blockquote class="twitter-tweet"><p>The bridge is finally closing, '
             'and about time too after all these years of cracks.</p>&mdash; Ann Lee (@annlee) May 1, 2024'
             '</blockquote></div>')
    before, after = ("".join(f"<p>{line}</p>" for line in part) for part in (ARTICLE_LINES[:3], ARTICLE_LINES[3:]))
    html = f"<html><body><article><h1>Bridge to close</h1>{before}{tweet}{after}</article></body></html>"
    assert any("finally closing" in p for p in extract_html(html).paragraphs)
