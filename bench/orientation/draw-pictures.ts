/**
 * Draws pictures with a little text, all upright, with ImageMagick: charts with axis labels, maps with scattered
 * place names (some at angles), photograph-like backgrounds (gradients, noise, shapes) with a sign or a caption, and
 * screenshots. Each is saved in every encoding of ENCODINGS, beside `<picture>.txt` (the texts drawn, one a line).
 * Deterministic for a seed; needs ImageMagick's `convert` (6.9) first on PATH and Debian's DejaVu and Liberation fonts.
 *
 *   PATH=/usr/bin:$PATH npx tsx bench/orientation/draw-pictures.ts <folder> --seed 1 --count 28
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The encodings each picture is saved in, as ImageMagick writes them from the drawn RGB picture. */
export const ENCODINGS = {
  'rgb.png': ['PNG24:'],
  'palette.png': ['-dither', 'None', '-colors', '256', 'PNG8:'],
  'grey.png': ['-colorspace', 'Gray', '-depth', '8', 'PNG:'],
  'alpha.png': ['-alpha', 'set', 'PNG32:'],
  'rgb.jpg': ['-quality', '92', 'JPG:'],
  'cmyk.jpg': ['-colorspace', 'CMYK', '-quality', '92', 'JPG:'],
  '16bit.png': ['-depth', '16', 'PNG48:'],
} as const satisfies Record<string, readonly string[]>;

export const KINDS = ['chart', 'map', 'photo', 'screen'] as const;

const FONTS = ['DejaVu-Sans', 'DejaVu-Serif', 'Liberation-Sans', 'Liberation-Serif', 'DejaVu-Sans-Mono', 'Liberation-Sans-Bold'];
const PLACES =
  'Northbridge,Ashford,Kelmarsh,Riverton,Eastwick,Halden,Marlow,Stanmore,Bracken Hill,Old Harbour,Westfield,Cold Norton,Fairhaven,Linton,Greystone,Millbrook,Port Elling,Saltmarsh,Thornbury,Wexley'.split(
    ',',
  );
const FEATURES = ['River Eln', 'Long Lake', 'Pine Forest', 'North Sea', 'High Moor', 'Grey Hills'];
const SIGNS = ['NO PARKING', 'EXIT', 'Open 9 to 5', 'STOP', 'Bakery', 'Main Street', 'KEEP LEFT', 'Platform 2', 'Car Park', 'Hotel Royal'];
const CAPTIONS = [
  'The old harbour at dawn',
  'Castle ruins in winter',
  'A market square, 1998',
  'Sunset over the bay',
  'The bridge after the storm',
  'Summer fair on the green',
];
const CHART_TITLES = ['Monthly sales', 'Visitors per year', 'Rainfall in mm', 'Energy use', 'Orders by region', 'Average price'];
const AXIS_TITLES = ['Units sold', 'Millimetres', 'Thousands', 'Percent', 'Kilowatt hours', 'Euros'];
const CATEGORIES = [
  ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug'],
  ['2019', '2020', '2021', '2022', '2023', '2024', '2025'],
  ['North', 'South', 'East', 'West', 'Centre'],
  ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
];
const MENUS = ['File', 'Edit', 'View', 'Tools', 'Help'];
const BUTTONS = ['Save', 'Cancel', 'Apply', 'Open', 'Next', 'Back', 'Sign in'];
const FIELDS = ['Username', 'Password', 'Email address', 'Project name', 'Search', 'Due date'];
const SENTENCES = [
  'Your changes have been saved.',
  'Three new messages arrived today.',
  'Update available: restart to install.',
  'The report is ready to download.',
];

/** A small seeded generator (mulberry32): the same seed draws the same pictures. */
function randomOf(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (from: number, to: number) => from + Math.floor(next() * (to - from + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  const colour = (from: number, to: number) => `rgb(${int(from, to)},${int(from, to)},${int(from, to)})`;
  return { next, int, pick, colour };
}
type Random = ReturnType<typeof randomOf>;

/** One picture: its size, ImageMagick's arguments after the canvas, and the texts it holds. */
interface Drawing {
  width: number;
  height: number;
  canvas: string[];
  steps: string[];
  texts: string[];
}

/** A picture not drawn on yet: ImageMagick's canvas (a colour, a gradient) of that size. */
const blank = (width: number, height: number, canvas: string): Drawing => ({ width, height, canvas: [canvas], steps: [], texts: [] });

/** Writes `text` at (x, y), turned `angle` degrees, and remembers it. */
function label(
  drawing: Drawing,
  text: string,
  { x, y, size, font, fill, angle = 0 }: { x: number; y: number; size: number; font: string; fill: string; angle?: number },
) {
  drawing.steps.push(
    '-font',
    font,
    '-pointsize',
    String(size),
    '-fill',
    fill,
    '-stroke',
    'none',
    '-draw',
    `translate ${x},${y} rotate ${angle} text 0,0 '${text}'`,
  );
  drawing.texts.push(text);
}

function chart(random: Random): Drawing {
  const [width, height] = [random.int(620, 900), random.int(420, 600)];
  const drawing = blank(width, height, `xc:${random.colour(235, 255)}`);
  const font = random.pick(FONTS);
  const [left, bottom, top, right] = [90, height - 70, 70, width - 40];
  label(drawing, random.pick(CHART_TITLES), { x: left, y: 40, size: random.int(18, 24), font, fill: 'black' });
  drawing.steps.push(
    '-stroke',
    'black',
    '-strokewidth',
    '2',
    '-draw',
    `line ${left},${top} ${left},${bottom}`,
    '-draw',
    `line ${left},${bottom} ${right},${bottom}`,
  );
  const categories = random.pick(CATEGORIES);
  const step = (right - left) / categories.length;
  const line = random.next() < 0.4;
  const points: string[] = [];
  categories.forEach((category, index) => {
    const value = random.int(top + 10, bottom - 10);
    const centre = Math.round(left + step * (index + 0.5));
    if (line) points.push(`${centre},${value}`);
    else
      drawing.steps.push(
        '-stroke',
        'none',
        '-fill',
        random.colour(40, 200),
        '-draw',
        `rectangle ${centre - step / 3},${value} ${centre + step / 3},${bottom - 1}`,
      );
    label(drawing, category, { x: centre - 14, y: bottom + 22, size: 14, font, fill: 'black' });
  });
  if (line) drawing.steps.push('-fill', 'none', '-stroke', random.colour(20, 160), '-strokewidth', '3', '-draw', `polyline ${points.join(' ')}`);
  const ticks = random.int(3, 5);
  const unit = random.pick([10, 20, 50, 100, 250]);
  for (let tick = 0; tick <= ticks; tick += 1) {
    const y = Math.round(bottom - ((bottom - top) * tick) / ticks);
    drawing.steps.push('-stroke', 'gray70', '-strokewidth', '1', '-draw', `line ${left - 5},${y} ${left},${y}`);
    label(drawing, String(tick * unit), { x: left - 45, y: y + 5, size: 13, font, fill: 'black' });
  }
  // The axis title runs up the left edge, as charts print it.
  label(drawing, random.pick(AXIS_TITLES), { x: 28, y: Math.round((top + bottom) / 2 + 40), size: 15, font, fill: 'black', angle: -90 });
  return drawing;
}

function map(random: Random): Drawing {
  const [width, height] = [random.int(640, 960), random.int(480, 720)];
  const drawing = blank(width, height, `xc:rgb(${random.int(225, 240)},${random.int(230, 245)},${random.int(200, 220)})`);
  for (let blob = random.int(3, 6); blob > 0; blob -= 1) {
    const corners = Array.from({ length: random.int(5, 8) }, () => `${random.int(0, width)},${random.int(0, height)}`);
    const water = random.next() < 0.5;
    drawing.steps.push(
      '-stroke',
      'none',
      '-fill',
      water ? `rgb(160,${random.int(195, 215)},235)` : `rgb(${random.int(170, 200)},215,170)`,
      '-draw',
      `polygon ${corners.join(' ')}`,
    );
  }
  for (let road = random.int(2, 5); road > 0; road -= 1) {
    const bends = Array.from({ length: 4 }, () => `${random.int(0, width)},${random.int(0, height)}`);
    drawing.steps.push(
      '-fill',
      'none',
      '-stroke',
      random.pick(['rgb(240,200,90)', 'gray60', 'white']),
      '-strokewidth',
      String(random.int(2, 6)),
      '-draw',
      `polyline ${bends.join(' ')}`,
    );
  }
  const font = random.pick(FONTS);
  const names = [...PLACES].sort(() => random.next() - 0.5).slice(0, random.int(5, 10));
  for (const name of names) {
    const [x, y] = [random.int(10, width - 160), random.int(30, height - 20)];
    drawing.steps.push('-stroke', 'black', '-fill', 'black', '-draw', `circle ${x - 6},${y - 5} ${x - 3},${y - 5}`);
    // Most names run level; some follow a road or a coast at an angle.
    const angle = random.next() < 0.3 ? random.int(-40, 40) : 0;
    label(drawing, name, { x, y, size: random.int(13, 20), font, fill: random.pick(['black', 'rgb(60,40,30)', 'rgb(30,30,90)']), angle });
  }
  if (random.next() < 0.6) {
    label(drawing, random.pick(FEATURES), {
      x: random.int(60, width - 60),
      y: random.int(150, height - 20),
      size: random.int(14, 18),
      font: 'DejaVu-Serif-Italic',
      fill: 'rgb(40,70,140)',
      angle: random.pick([-90, -60, 60, 90]),
    });
  }
  return drawing;
}

function photo(random: Random): Drawing {
  const [width, height] = [random.int(640, 1024), random.int(480, 768)];
  const drawing = blank(
    width,
    height,
    random.next() < 0.5
      ? `gradient:${random.colour(60, 220)}-${random.colour(20, 200)}`
      : `radial-gradient:${random.colour(120, 255)}-${random.colour(10, 120)}`,
  );
  for (let shape = random.int(4, 10); shape > 0; shape -= 1) {
    const [x, y, rx, ry] = [random.int(0, width), random.int(0, height), random.int(20, 200), random.int(20, 200)];
    drawing.steps.push(
      '-stroke',
      'none',
      '-fill',
      random.colour(0, 255),
      '-draw',
      random.next() < 0.5 ? `ellipse ${x},${y} ${rx},${ry} 0,360` : `rectangle ${x},${y} ${x + rx},${y + ry}`,
    );
  }
  drawing.steps.push('-blur', `0x${random.int(1, 4)}`, '-attenuate', String(random.int(2, 8) / 10), '+noise', 'Gaussian');
  const font = random.pick(FONTS);
  if (random.next() < 0.5) {
    const text = random.pick(SIGNS);
    const size = random.int(24, 44);
    const [x, y] = [random.int(20, width - text.length * size * 0.7 - 40), random.int(40, height - size * 2)];
    const [board, ink] =
      random.next() < 0.5 ? ['white', 'rgb(20,20,20)'] : [random.pick(['rgb(0,90,40)', 'rgb(20,50,140)', 'rgb(170,20,20)']), 'white'];
    drawing.steps.push(
      '-stroke',
      'gray20',
      '-strokewidth',
      '3',
      '-fill',
      board,
      '-draw',
      `rectangle ${x},${y} ${x + text.length * size * 0.7 + 30},${y + size * 1.6}`,
    );
    label(drawing, text, { x: x + 15, y: Math.round(y + size * 1.15), size, font, fill: ink });
  } else {
    const text = random.pick(CAPTIONS);
    drawing.steps.push('-stroke', 'none', '-fill', 'rgba(0,0,0,0.6)', '-draw', `rectangle 0,${height - 50} ${width},${height}`);
    label(drawing, text, { x: 20, y: height - 18, size: random.int(18, 26), font, fill: 'white' });
  }
  return drawing;
}

function screen(random: Random): Drawing {
  const [width, height] = [random.int(640, 1000), random.int(420, 640)];
  const dark = random.next() < 0.3;
  const drawing = blank(width, height, `xc:${dark ? 'rgb(40,42,48)' : random.colour(240, 255)}`);
  const ink = dark ? 'rgb(220,220,220)' : 'rgb(30,30,30)';
  const font = random.pick(['DejaVu-Sans', 'Liberation-Sans']);
  drawing.steps.push(
    '-stroke',
    'none',
    '-fill',
    random.pick(['rgb(50,90,160)', 'rgb(70,70,80)', 'rgb(0,120,110)']),
    '-draw',
    `rectangle 0,0 ${width},34`,
  );
  label(drawing, random.pick(['Settings', 'Account', 'Inbox', 'New project', 'Preferences']), { x: 14, y: 23, size: 15, font, fill: 'white' });
  MENUS.slice(0, random.int(3, 5)).forEach((menu, index) => label(drawing, menu, { x: 14 + index * 70, y: 60, size: 14, font, fill: ink }));
  let y = 110;
  for (const field of [...FIELDS].sort(() => random.next() - 0.5).slice(0, random.int(2, 4))) {
    label(drawing, field, { x: 30, y, size: 14, font, fill: ink });
    drawing.steps.push(
      '-stroke',
      'gray60',
      '-strokewidth',
      '1',
      '-fill',
      dark ? 'rgb(60,62,70)' : 'white',
      '-draw',
      `rectangle 190,${y - 18} ${Math.min(width - 30, 520)},${y + 8}`,
    );
    y += 50;
  }
  if (random.next() < 0.6) label(drawing, random.pick(SENTENCES), { x: 30, y: y + 10, size: 14, font, fill: ink });
  BUTTONS.slice(random.int(0, 4))
    .slice(0, 2)
    .forEach((button, index) => {
      const x = width - 220 + index * 100;
      drawing.steps.push(
        '-stroke',
        'none',
        '-fill',
        index === 0 ? 'rgb(40,110,210)' : 'gray80',
        '-draw',
        `roundrectangle ${x},${height - 60} ${x + 88},${height - 28} 6,6`,
      );
      label(drawing, button, { x: x + 14, y: height - 38, size: 14, font, fill: index === 0 ? 'white' : 'black' });
    });
  return drawing;
}

const DRAW: Record<(typeof KINDS)[number], (random: Random) => Drawing> = { chart, map, photo, screen };

/** Draws `count` pictures (kinds in turn) from `seed` into `folder`, every one in every encoding; returns their names. */
export function drawPictures(folder: string, seed: number, count: number): string[] {
  fs.mkdirSync(folder, { recursive: true });
  const names: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const kind = KINDS[index % KINDS.length]!;
    const pictureSeed = seed * 100_003 + index;
    const random = randomOf(pictureSeed);
    const drawing = DRAW[kind](random);
    const name = `${kind}_${seed}_${String(index).padStart(3, '0')}`;
    const drawn = path.join(folder, `${name}.miff`);
    // ImageMagick's own noise is random unless seeded.
    execFileSync('convert', [
      '-seed',
      String(pictureSeed),
      '-size',
      `${drawing.width}x${drawing.height}`,
      ...drawing.canvas,
      ...drawing.steps,
      '-alpha',
      'off',
      drawn,
    ]);
    for (const [encoding, options] of Object.entries(ENCODINGS)) {
      const [format, ...settings] = [options.at(-1)!, ...options.slice(0, -1)];
      execFileSync('convert', [drawn, ...settings, `${format}${path.join(folder, `${name}.${encoding}`)}`]);
    }
    fs.rmSync(drawn);
    fs.writeFileSync(path.join(folder, `${name}.txt`), `${drawing.texts.join('\n')}\n`);
    names.push(name);
  }
  return names;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [folder, ...flags] = process.argv.slice(2);
  const flag = (name: string, otherwise: number) => (flags.includes(name) ? Number(flags[flags.indexOf(name) + 1]) : otherwise);
  if (!folder) throw new Error('Usage: draw-pictures.ts <folder> [--seed N] [--count N]');
  console.log(drawPictures(folder, flag('--seed', 1), flag('--count', 28)).length, 'pictures drawn into', folder);
}
