"""Pictures of the demo venues, drawn with Pillow from a seed: zellige walls, dining rooms
with lanterns, tea tables seen from above, and rooftop terraces at dusk. Nothing is
downloaded or copied; the same venue and seed always give the same pictures."""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

WIDTH, HEIGHT = 960, 640
Colour = tuple[int, int, int]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class Palette:
    ground: Colour  # plaster, tablecloth, sky
    tile: Colour  # the zellige's main colour
    accent: Colour  # the star at the centre of each tile
    wood: Colour
    brass: Colour


PALETTES = (
    Palette((238, 226, 205), (28, 76, 150), (214, 160, 56), (110, 66, 38), (196, 154, 72)),
    Palette((242, 232, 214), (22, 110, 84), (186, 72, 48), (96, 58, 36), (204, 162, 80)),
    Palette((236, 220, 196), (150, 52, 44), (30, 90, 120), (120, 74, 44), (190, 150, 70)),
    Palette((240, 230, 220), (44, 128, 138), (224, 186, 64), (92, 60, 44), (200, 160, 84)),
    Palette((234, 214, 206), (120, 40, 80), (40, 120, 96), (104, 64, 40), (206, 168, 92)),
)


@cache
def _font(size: int) -> tuple[Font, bool]:
    """DejaVu when the system has it (accents and all); Pillow's own font otherwise."""
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size), True
    except OSError:
        return ImageFont.load_default(size=size), False


def _shade(colour: Colour, factor: float) -> Colour:
    r, g, b = (max(0, min(255, round(c * factor))) for c in colour)
    return (r, g, b)


def _mix(first: Colour, second: Colour, amount: float) -> Colour:
    r, g, b = (round(a + (b - a) * amount) for a, b in zip(first, second, strict=True))
    return (r, g, b)


def _star(
    cx: float, cy: float, outer: float, inner: float, points: int = 8
) -> list[tuple[float, float]]:
    corners = []
    for index in range(points * 2):
        radius = outer if index % 2 == 0 else inner
        angle = math.pi * index / points - math.pi / 2
        corners.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return corners


def zellige_tile(size: int, palette: Palette, rng: random.Random) -> Image.Image:
    """One square of a zellige pattern: an eight-pointed star in a field of diamonds."""
    tile = Image.new("RGB", (size, size), palette.ground)
    draw = ImageDraw.Draw(tile)
    half = size / 2
    for x, y in ((0, 0), (size, 0), (0, size), (size, size)):
        draw.polygon(_star(x, y, half * 0.55, half * 0.3), fill=palette.tile)
    draw.polygon(_star(half, half, half * 0.95, half * 0.55), fill=palette.tile)
    draw.polygon(_star(half, half, half * 0.6, half * 0.38), fill=palette.accent)
    draw.ellipse((half - half * 0.18,) * 2 + (half + half * 0.18,) * 2, fill=palette.ground)
    edge = _shade(palette.tile, 0.7 + rng.random() * 0.2)
    draw.rectangle((0, 0, size - 1, size - 1), outline=edge)
    return tile


def tile_area(image: Image.Image, box: tuple[int, int, int, int], tile: Image.Image) -> None:
    left, top, right, bottom = box
    for x in range(left, right, tile.width):
        for y in range(top, bottom, tile.height):
            piece = tile.crop((0, 0, min(tile.width, right - x), min(tile.height, bottom - y)))
            image.paste(piece, (x, y))


def sign(image: Image.Image, name: str, palette: Palette, top: int) -> None:
    """The venue's name, painted on a board."""
    font, full_unicode = _font(44)
    text = name if full_unicode else _ascii(name)
    draw = ImageDraw.Draw(image)
    left, upper, right, lower = draw.textbbox((0, 0), text, font=font)
    width, height = right - left + 60, lower - upper + 34
    x = (WIDTH - width) // 2
    draw.rounded_rectangle((x, top, x + width, top + height), 14, fill=palette.wood)
    draw.rounded_rectangle(
        (x + 6, top + 6, x + width - 6, top + height - 6), 10, outline=palette.brass, width=3
    )
    draw.text((x + 30 - left, top + 17 - upper), text, font=font, fill=(250, 240, 220))


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def lantern(draw: ImageDraw.ImageDraw, x: int, y: int, size: int, palette: Palette) -> None:
    draw.line((x, 0, x, y), fill=_shade(palette.brass, 0.6), width=2)
    body = [
        (x, y),
        (x + size // 2, y + size // 3),
        (x + size // 3, y + size),
        (x - size // 3, y + size),
        (x - size // 2, y + size // 3),
    ]
    draw.polygon(body, fill=palette.brass, outline=_shade(palette.brass, 0.6))
    draw.ellipse(
        (x - size // 6, y + size // 3, x + size // 6, y + size * 2 // 3), fill=(255, 236, 170)
    )


def glow(image: Image.Image, points: list[tuple[int, int]], radius: int) -> Image.Image:
    """Warm light around each lamp, as a blurred layer added to the picture."""
    layer = Image.new("RGB", image.size, (0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for x, y in points:
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(90, 70, 30))
    return ImageChops.add(image, layer.filter(ImageFilter.GaussianBlur(radius / 2)))


def table(
    draw: ImageDraw.ImageDraw, cx: int, cy: int, width: int, palette: Palette, cloth: Colour
) -> None:
    """A round table with two chairs, seen slightly from above."""
    height = width // 3
    for side in (-1, 1):
        chair_x = cx + side * (width // 2 + width // 8)
        draw.rectangle(
            (chair_x - width // 10, cy - height, chair_x + width // 10, cy + height),
            fill=_shade(palette.wood, 0.9),
        )
    draw.rectangle((cx - 6, cy, cx + 6, cy + height * 2), fill=_shade(palette.wood, 0.7))
    draw.ellipse((cx - width // 2, cy - height // 2, cx + width // 2, cy + height // 2), fill=cloth)
    draw.ellipse((cx - 10, cy - 16, cx + 10, cy - 2), fill=(235, 200, 120))  # a candle glass


def dining_room(name: str, palette: Palette, rng: random.Random) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), palette.ground)
    draw = ImageDraw.Draw(image)
    floor = int(HEIGHT * 0.62)
    window = _mix(palette.ground, (60, 90, 140), 0.55)
    for arch in range(rng.randint(2, 3)):  # horseshoe-topped windows
        x = 120 + arch * 300 + rng.randint(-30, 30)
        draw.ellipse((x, 110, x + 150, 260), fill=window)
        draw.rectangle((x, 185, x + 150, floor - 90), fill=window)
    tile_area(image, (0, floor - 80, WIDTH, floor), zellige_tile(40, palette, rng))
    for row in range(6):
        top = floor + row * (HEIGHT - floor) // 6
        shade = _shade(palette.wood, 1.25 - row * 0.06)
        draw.rectangle((0, top, WIDTH, top + (HEIGHT - floor) // 6), fill=shade)
    cloth = _mix(palette.accent, (255, 255, 255), 0.55)
    for index in range(rng.randint(2, 4)):
        table(
            draw,
            150 + index * 230 + rng.randint(-25, 25),
            floor + 60 + rng.randint(0, 60),
            170,
            palette,
            cloth,
        )
    lamps = [
        (120 + index * 240 + rng.randint(-40, 40), 60 + rng.randint(0, 50)) for index in range(4)
    ]
    for x, y in lamps:
        lantern(draw, x, y, 44, palette)
    image = glow(image, [(x, y + 25) for x, y in lamps], 70)
    sign(image, name, palette, 20)
    return image


def zellige_wall(name: str, palette: Palette, rng: random.Random) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), palette.ground)
    tile_area(image, (0, 0, WIDTH, HEIGHT), zellige_tile(rng.choice((64, 80, 96)), palette, rng))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, HEIGHT - 150, WIDTH, HEIGHT), fill=_shade(palette.ground, 0.95))
    for x in range(0, WIDTH, 24):  # carved plaster frieze
        draw.arc((x, HEIGHT - 170, x + 24, HEIGHT - 146), 0, 180, fill=palette.brass, width=3)
    fountain = WIDTH // 2
    draw.rounded_rectangle(
        (fountain - 150, HEIGHT - 120, fountain + 150, HEIGHT - 30), 20, fill=palette.tile
    )
    draw.ellipse((fountain - 120, HEIGHT - 110, fountain + 120, HEIGHT - 70), fill=(150, 200, 220))
    sign(image, name, palette, HEIGHT // 2 - 60)
    return image


def tea_table(name: str, palette: Palette, rng: random.Random) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), _mix(palette.tile, (255, 255, 255), 0.8))
    draw = ImageDraw.Draw(image)
    for x in range(0, WIDTH, 48):  # the tablecloth's weave
        draw.line((x, 0, x, HEIGHT), fill=_mix(palette.tile, (255, 255, 255), 0.6), width=6)
    cx, cy, radius = WIDTH // 2, HEIGHT // 2 + 30, 250
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=palette.brass)
    draw.ellipse(
        (cx - radius + 18, cy - radius + 18, cx + radius - 18, cy + radius - 18),
        outline=_shade(palette.brass, 0.7),
        width=4,
    )
    for degrees in range(0, 360, 15):  # the tray's engraved rim
        dot_x = cx + (radius - 34) * math.cos(math.radians(degrees))
        dot_y = cy + (radius - 34) * math.sin(math.radians(degrees))
        draw.ellipse((dot_x - 4, dot_y - 4, dot_x + 4, dot_y + 4), fill=_shade(palette.brass, 0.75))
    draw.ellipse(
        (cx - 70, cy - 60, cx + 70, cy + 60), fill=(205, 205, 210), outline=(150, 150, 160), width=4
    )
    draw.polygon(
        [(cx + 60, cy - 10), (cx + 150, cy - 70), (cx + 140, cy - 50), (cx + 62, cy + 10)],
        fill=(185, 185, 195),
    )
    draw.ellipse((cx - 25, cy - 25, cx + 25, cy + 25), fill=(170, 170, 180))
    for index in range(rng.randint(3, 6)):
        angle = math.radians(200 + index * 28 + rng.randint(-6, 6))
        gx, gy = cx + 170 * math.cos(angle), cy + 170 * math.sin(angle)  # a tea glass
        draw.ellipse(
            (gx - 30, gy - 30, gx + 30, gy + 30),
            fill=(170, 110, 40),
            outline=palette.accent,
            width=5,
        )
        draw.ellipse((gx - 9, gy - 14, gx + 9, gy + 2), fill=(60, 140, 60))  # mint
    for _ in range(rng.randint(5, 9)):  # pastries on a plate
        x, y = 190 + rng.randint(-50, 50), 140 + rng.randint(-40, 40)
        draw.ellipse(
            (x - 22, y - 22, x + 22, y + 22), fill=(214, 170, 100), outline=(170, 120, 60), width=3
        )
    sign(image, name, palette, HEIGHT - 110)
    return image


def terrace(name: str, palette: Palette, rng: random.Random) -> Image.Image:
    image = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    sky_top, sky_bottom = (40, 50, 110), (246, 160, 90)
    image = Image.merge(
        "RGB",
        [
            image.point(lambda v, a=a, b=b: round(a + (b - a) * v / 255))
            for a, b in zip(sky_top, sky_bottom, strict=True)
        ],
    )
    draw = ImageDraw.Draw(image)
    skyline = HEIGHT - 260
    x = 0
    while x < WIDTH:
        width, height = rng.randint(50, 120), rng.randint(30, 110)
        draw.rectangle((x, skyline - height, x + width, HEIGHT), fill=(70, 50, 60))
        if rng.random() < 0.2:
            draw.rectangle(
                (
                    x + width // 2 - 12,
                    skyline - height - 120,
                    x + width // 2 + 12,
                    skyline - height,
                ),
                fill=(70, 50, 60),
            )
        x += width
    draw.rectangle((0, HEIGHT - 170, WIDTH, HEIGHT), fill=_shade(palette.wood, 1.4))
    bulbs = []
    for step in range(0, WIDTH + 1, 40):
        sag = 60 * math.sin(math.pi * step / WIDTH)
        bulbs.append((step, round(90 + sag)))
    draw.line(bulbs, fill=(30, 30, 30), width=2)
    for bx, by in bulbs:
        draw.ellipse((bx - 6, by, bx + 6, by + 12), fill=(255, 226, 150))
    image = glow(image, [(bx, by + 6) for bx, by in bulbs], 24)
    draw = ImageDraw.Draw(image)
    cloth = _mix(palette.accent, (255, 255, 255), 0.4)
    for index in range(rng.randint(2, 3)):
        cx = 170 + index * 310 + rng.randint(-30, 30)
        draw.pieslice((cx - 130, HEIGHT - 330, cx + 130, HEIGHT - 170), 180, 360, fill=palette.tile)
        draw.line((cx, HEIGHT - 250, cx, HEIGHT - 120), fill=(60, 40, 30), width=5)
        table(draw, cx, HEIGHT - 100, 150, palette, cloth)
    sign(image, name, palette, 170)
    return image


Scene = Callable[[str, Palette, random.Random], Image.Image]
SCENES: dict[str, Scene] = {
    "dining_room": dining_room,
    "zellige": zellige_wall,
    "tea": tea_table,
    "terrace": terrace,
}
# The first picture (the cover) fits what the venue is.
COVERS = {"restaurant": "dining_room", "rooftop": "terrace", "cafe": "tea", "tea_house": "tea"}


def venue_pictures(name: str, category: str, seed: int) -> list[tuple[str, Image.Image]]:
    """Two to four pictures of one venue, the cover first."""
    rng = random.Random(f"{seed}:{name}")  # noqa: S311 - reproducible demo data, not security
    palette = rng.choice(PALETTES)
    cover = COVERS.get(category, "dining_room")
    others = [scene for scene in SCENES if scene != cover]
    rng.shuffle(others)
    kinds = [cover, *others[: rng.randint(1, 3)]]
    return [(kind, SCENES[kind](name, palette, rng)) for kind in kinds]
