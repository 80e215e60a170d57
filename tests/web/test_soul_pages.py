from __future__ import annotations

from datetime import date

import httpx

from dinner1.runtime import Runtime
from tests.fixtures.factories import PASSWORD, create_user
from tests.fixtures.pages import page_csrf, page_login
from tests.fixtures.profiles import create_member

FORMS = {
    "basics": {
        "gender": "woman",
        "seeking": ["man"],
        "age_min": "25",
        "age_max": "40",
        "city": "casablanca",
        "max_distance_km": "30",
        "languages": ["fr", "darija"],
        "relationship_goal": "long_term",
    },
    "values": {"value_1": "honesty", "value_2": "family", "value_3": "kindness"},
    "interests": {"interests": ["hiking", "cooking", "poetry"], "custom_interests": "oud, surf"},
    "communication": {"communication_style": "gentle", "love_language": "time"},
    "lifestyle": {
        "lifestyle_rhythm": "early",
        "lifestyle_social": "balanced",
        "lifestyle_activity": "active",
        "lifestyle_tidiness": "tidy",
        "lifestyle_spending": "balanced",
        "diet": ["halal"],
        "religion": "muslim",
        "religion_importance": "2",
        "smoking": "never",
        "drinking": "never",
        "has_children": "no",
        "wants_children": "wants",
    },
    "goals": {"life_goals": ["family", "travel"]},
    "answers": {
        "answer_philosophy": "Live slowly and listen more than you speak.",
        "answer_understood": "Someone remembers the small things I said.",
        "answer_slow_evening": "Mint tea on a rooftop with a good book.",
    },
}


async def test_onboarding_through_the_pages_then_matches(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await create_member(
        runtime,
        name="Youssef",
        birth=date(1991, 4, 4),
        basics={"gender": "man", "seeking": ["woman"]},
    )
    user = await create_user(runtime, display_name="Salma")
    await page_login(client, user.email, PASSWORD)
    home = await client.get("/")
    assert 'data-testid="continue-onboarding"' in home.text
    first = await client.get("/onboarding", follow_redirects=False)
    assert first.headers["location"] == "/onboarding/basics"

    for step, form in FORMS.items():
        token = await page_csrf(client, f"/onboarding/{step}")
        response = await client.post(f"/onboarding/{step}", data={**form, "csrf_token": token})
        assert response.status_code == 303, (step, response.text[:500])
    assert response.headers["location"].startswith("/matches")

    matches = await client.get("/matches")
    assert matches.status_code == 200
    assert "Youssef" in matches.text and 'data-testid="match"' in matches.text
    token = await page_csrf(client, "/matches")
    match_id = matches.text.split('id="match-')[1].split('"')[0]
    answered = await client.post(
        f"/matches/{match_id}/outcome", data={"outcome": "interested", "csrf_token": token}
    )
    assert answered.status_code == 303
    assert 'data-testid="outcome"' in (await client.get("/matches")).text


async def test_a_bad_step_is_shown_again_with_the_errors(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    await page_login(client, user.email, PASSWORD)
    token = await page_csrf(client, "/onboarding/values")
    response = await client.post(
        "/onboarding/values", data={"value_1": "honesty", "csrf_token": token}
    )
    assert response.status_code == 422
    assert 'data-testid="form-error"' in response.text
    assert "selected" in response.text  # what was chosen is kept


async def test_matches_page_sends_unfinished_members_to_onboarding(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    await page_login(client, user.email, PASSWORD)
    response = await client.get("/matches", follow_redirects=False)
    assert response.headers["location"] == "/onboarding"


async def test_photo_upload_and_delete_through_the_page(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    from tests.media.generated_images import encode, scene

    user = await create_user(runtime)
    await page_login(client, user.email, PASSWORD)
    page = await client.get("/profile/photos")
    token = page.text.split('action="/profile/photos?csrf_token=')[1].split('"')[0]
    refused = await client.post(
        "/profile/photos", files={"photo": ("x.jpg", b"nope", "image/jpeg")}
    )
    assert refused.status_code == 403  # multipart without the token
    bad = await client.post(
        f"/profile/photos?csrf_token={token}",
        files={"photo": ("x.jpg", b"not an image", "image/jpeg")},
    )
    assert bad.status_code == 422 and 'data-testid="form-error"' in bad.text
    done = await client.post(
        f"/profile/photos?csrf_token={token}",
        files={"photo": ("me.png", encode(scene(3, (400, 300)), "PNG"), "image/png")},
    )
    assert done.status_code == 303
    listed = await client.get("/profile/photos")
    assert 'data-testid="photos"' in listed.text
    photo_id = listed.text.split("/api/v1/photos/")[1].split("?")[0]
    deleted = await client.post(f"/profile/photos/{photo_id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    assert 'data-testid="photos"' not in (await client.get("/profile/photos")).text
