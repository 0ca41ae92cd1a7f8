"""The home's browse list at province size: a district's townships are all listed; more than
`BROWSE_ALL_UP_TO`, an index of pinyin initials, each initial's townships 100 a page, so that the page stays light
and a resident can still reach every township's villages by taps alone."""

import re
from pathlib import Path

import factory
import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.urls import reverse

from publicity.selectors import BROWSE_ALL_UP_TO
from tests.factories import TownshipFactory, VillageFactory

pytestmark = pytest.mark.django_db

HOME = reverse("publicity:home")
# Names by their pinyin initial: 东 d, 西 x, 南 n, 北 b, 中 z, and one not starting with a letter.
PLACES = ["东", "西", "南", "北", "中"]


@pytest.fixture
def province(today, bureau):
    """More townships than the home lists at once: 110 starting with D (more than a page), the rest spread."""
    townships = [TownshipFactory(bureau=bureau, name=f"东{n:03d}镇") for n in range(110)]
    rest = BROWSE_ALL_UP_TO + 1 - len(townships)
    townships += [TownshipFactory(bureau=bureau, name=f"{PLACES[1 + n % 4]}{n:03d}乡") for n in range(rest)]
    townships.append(TownshipFactory(bureau=bureau, name="3号街道"))
    return townships


def township_links(html: str) -> list[str]:
    section = html.split('id="browse-h"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'href="/public/\?(?:letter=[^&"]+&amp;)?township=(\d+)#township-h"', section)


def letter_links(html: str) -> list[str]:
    return re.findall(r'href="/public/\?letter=([^"#]+)#browse-h"', html)


def test_a_district_lists_every_township(client, today, bureau, township, other_township):
    html = client.get(HOME).content.decode()

    assert township_links(html) == [str(township.pk), str(other_township.pk)]
    assert not letter_links(html) and 'class="letters"' not in html


def test_up_to_the_limit_every_township_is_on_the_home_without_a_pager(client, today, bureau):
    townships = TownshipFactory.create_batch(BROWSE_ALL_UP_TO, bureau=bureau)

    html = client.get(HOME).content.decode()

    assert township_links(html) == [str(t.pk) for t in townships]
    assert 'class="pager"' not in html and not letter_links(html)


def test_a_province_lists_initials_and_every_township_is_reachable_by_taps(client, province):
    home = client.get(HOME).content.decode()

    assert township_links(home) == []  # not 1,800 links on every search
    assert letter_links(home) == ["B", "D", "N", "X", "Z", "%23"]
    assert 'aria-label="D（110 个乡镇(街道)）"' in home
    reached = []
    for letter in letter_links(home):
        url = f"{HOME}?letter={letter}"
        while url:
            html = client.get(url).content.decode()
            reached += township_links(html)
            following = re.search(r'<a href="(\?[^"]+)" rel="next">', html)
            url = HOME + following.group(1).replace("&amp;", "&") if following else None
    assert sorted(reached) == sorted(str(t.pk) for t in province)


def test_an_initial_lists_its_townships_in_pinyin_order_a_hundred_a_page(client, province):
    first = client.get(HOME, {"letter": "d"})
    html = first.content.decode()

    names = re.findall(r"township=\d+#township-h\">([^<]+)</a>", html)
    assert names == [f"东{n:03d}镇" for n in range(100)]
    assert 'aria-current="true">D</a>' in html
    assert "拼音首字母 D 的乡镇(街道)（110 个）" in html and "第 1 / 2 页" in html
    second = client.get(HOME, {"letter": "D", "page": 2}).content.decode()
    assert re.findall(r"township=\d+#township-h\">([^<]+)</a>", second) == [
        f"东{n:03d}镇" for n in range(100, 110)
    ]


def test_a_township_chosen_from_an_initial_shows_its_villages_and_keeps_the_list(client, province):
    township = province[110]  # 西000乡
    VillageFactory(township=township, name="东风村")

    html = client.get(HOME, {"letter": "X", "township": township.pk}).content.decode()

    assert f"{township.name}的村(社区)" in html and "东风村" in html
    assert f'township={township.pk}#township-h" aria-current="true"' in html


@pytest.mark.parametrize("letter", ["中", "DX", "", "1", "<b>"])
def test_anything_but_an_initial_shows_the_index_only(client, province, letter):
    response = client.get(HOME, {"letter": letter})

    html = response.content.decode()
    assert response.status_code == 200
    assert township_links(html) == [] and len(letter_links(html)) == 6 and "aria-current" not in html


def test_the_province_home_and_an_initial_stay_under_100_kb(client, province):
    css = Path(finders.find("css/public.css")).stat().st_size
    for care in ("0", "1"):
        client.cookies["care"] = care
        for query in ({}, {"q": "东"}, {"letter": "D"}, {"letter": "D", "page": 2}):
            html = client.get(HOME, query).content
            assert len(html) + css < 100 * 1024, (query, len(html))
            assert b"<script" not in html and b" style=" not in html


def test_the_home_takes_a_fixed_number_of_queries(client, province, bureau, django_assert_num_queries):
    # The browse list, the coverage figures and the services, all cached afterwards; the bureaus of the 查找范围
    # choice (the page itself is cached).
    with django_assert_num_queries(4):
        client.get(HOME, {"letter": "D"})
    TownshipFactory.create_batch(30, bureau=bureau, name=factory.Sequence(lambda n: f"东{n:03d}街道"))
    cache.clear()

    with django_assert_num_queries(4):
        client.get(HOME, {"letter": "D"})
