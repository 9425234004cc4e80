// The demo catalogue's product families: data only. demo-items.ts expands them into skus.

export type ItemCategory = 'apparel' | 'shoes' | 'home' | 'electronics' | 'outdoor' | 'beauty' | 'furniture';
export type SizeClass = 'small' | 'medium' | 'large' | 'oversize';

export interface DemoItem {
  sku: string;
  name: string;
  category: ItemCategory;
  weightLb: number;
  sizeClass: SizeClass;
  /** Needs dangerous-goods handling (lithium batteries, aerosols, fuel). */
  hazmat: boolean;
  /** Too big for parcel carriers; ships freight. */
  oversize: boolean;
}

export interface Variant {
  code: string;
  label: string;
  /** Multiplies the family's base weight (bigger sizes weigh more). */
  weightFactor?: number;
}

export interface ProductFamily {
  category: ItemCategory;
  code: string;
  name: string;
  weightLb: number;
  hazmat?: boolean;
  oversize?: boolean;
  sizeClass?: SizeClass;
  /** Each axis multiplies the variant count: e.g. colours × sizes. */
  axes?: readonly (readonly Variant[])[];
}

export const CATEGORY_PREFIX: Readonly<Record<ItemCategory, string>> = {
  apparel: 'APP',
  shoes: 'SHO',
  home: 'HOM',
  electronics: 'ELE',
  outdoor: 'OUT',
  beauty: 'BTY',
  furniture: 'FUR',
};

const colours = (...codes: string[]): Variant[] =>
  codes.map((code) => ({ code, label: COLOUR_NAMES[code] ?? code }));

const COLOUR_NAMES: Readonly<Record<string, string>> = {
  BLK: 'Black',
  WHT: 'White',
  NVY: 'Navy',
  GRY: 'Heather Grey',
  RED: 'Red',
  GRN: 'Forest Green',
  OLV: 'Olive',
  BLU: 'Blue',
  BRN: 'Brown',
  IND: 'Indigo',
  SND: 'Sand',
  CRM: 'Cream',
  SLV: 'Silver',
  BRS: 'Brass',
  OAK: 'Oak',
  WAL: 'Walnut',
};

const LETTER_SIZES: readonly Variant[] = [
  { code: 'XS', label: 'XS', weightFactor: 0.85 },
  { code: 'S', label: 'S', weightFactor: 0.92 },
  { code: 'M', label: 'M', weightFactor: 1 },
  { code: 'L', label: 'L', weightFactor: 1.08 },
  { code: 'XL', label: 'XL', weightFactor: 1.16 },
];
const CORE_SIZES = LETTER_SIZES.slice(1);
const WAIST_SIZES: readonly Variant[] = [30, 32, 34, 36].map((w) => ({
  code: `W${w}`,
  label: `${w}W`,
  weightFactor: 0.9 + (w - 30) * 0.04,
}));
const SHOE_SIZES: readonly Variant[] = [7, 8, 9, 10, 11, 12].map((s) => ({
  code: String(s),
  label: `US ${s}`,
  weightFactor: 0.9 + (s - 7) * 0.04,
}));

export const FAMILIES: readonly ProductFamily[] = [
  // Apparel: 0.3–1.5 lb
  {
    category: 'apparel',
    code: 'TSHIRT',
    name: 'Crew Tee',
    weightLb: 0.4,
    axes: [colours('BLK', 'WHT', 'NVY', 'GRY', 'RED'), LETTER_SIZES],
  },
  {
    category: 'apparel',
    code: 'HOODIE',
    name: 'Fleece Hoodie',
    weightLb: 1.25,
    axes: [colours('BLK', 'GRY', 'GRN'), LETTER_SIZES],
  },
  {
    category: 'apparel',
    code: 'POLO',
    name: 'Pique Polo',
    weightLb: 0.55,
    axes: [colours('WHT', 'NVY', 'RED'), CORE_SIZES],
  },
  {
    category: 'apparel',
    code: 'JEANS',
    name: 'Slim Jeans',
    weightLb: 1.3,
    axes: [colours('IND', 'BLK'), WAIST_SIZES],
  },
  {
    category: 'apparel',
    code: 'CHINO',
    name: 'Stretch Chinos',
    weightLb: 1.1,
    axes: [colours('SND', 'NVY'), WAIST_SIZES],
  },
  {
    category: 'apparel',
    code: 'RAINJKT',
    name: 'Packable Rain Jacket',
    weightLb: 1.1,
    axes: [colours('BLK', 'OLV'), CORE_SIZES],
  },
  {
    category: 'apparel',
    code: 'SOCKS3',
    name: 'Crew Socks 3-Pack',
    weightLb: 0.3,
    axes: [colours('WHT', 'BLK'), CORE_SIZES.slice(1, 3)],
  },
  {
    category: 'apparel',
    code: 'MERINO',
    name: 'Merino Crew Sweater',
    weightLb: 0.9,
    axes: [colours('NVY', 'GRY', 'OLV'), CORE_SIZES],
  },
  {
    category: 'apparel',
    code: 'BEANIE',
    name: 'Knit Beanie',
    weightLb: 0.3,
    axes: [colours('BLK', 'GRY', 'RED', 'OLV')],
  },
  // Shoes: 2–4 lb
  {
    category: 'shoes',
    code: 'TRAILRUN',
    name: 'Trail Runner',
    weightLb: 2.3,
    axes: [colours('BLK', 'BLU'), SHOE_SIZES],
  },
  {
    category: 'shoes',
    code: 'CANVAS',
    name: 'Canvas Sneaker',
    weightLb: 2.25,
    axes: [colours('WHT', 'BLK'), SHOE_SIZES],
  },
  {
    category: 'shoes',
    code: 'CHELSEA',
    name: 'Leather Chelsea Boot',
    weightLb: 3.4,
    axes: [colours('BRN', 'BLK'), SHOE_SIZES],
  },
  // Home goods: 1–25 lb
  {
    category: 'home',
    code: 'TOWEL',
    name: 'Cotton Bath Towel',
    weightLb: 1.2,
    axes: [colours('WHT', 'GRY', 'NVY')],
  },
  {
    category: 'home',
    code: 'BATHMAT',
    name: 'Cotton Bath Mat',
    weightLb: 1.6,
    axes: [colours('WHT', 'GRY', 'NVY')],
  },
  {
    category: 'home',
    code: 'SHEETQ',
    name: 'Percale Sheet Set, Queen',
    weightLb: 3.5,
    axes: [colours('WHT', 'GRY')],
  },
  {
    category: 'home',
    code: 'PILLOW',
    name: 'Down-Alternative Pillow',
    weightLb: 2.4,
    axes: [
      [
        { code: 'STD', label: 'Standard' },
        { code: 'KNG', label: 'King', weightFactor: 1.25 },
      ],
    ],
  },
  {
    category: 'home',
    code: 'THROW',
    name: 'Waffle Throw Blanket',
    weightLb: 2.5,
    axes: [colours('CRM', 'GRY')],
  },
  {
    category: 'home',
    code: 'CANDLE',
    name: 'Soy Candle',
    weightLb: 1.1,
    axes: [
      [
        { code: 'LAV', label: 'Lavender' },
        { code: 'CED', label: 'Cedar' },
        { code: 'VAN', label: 'Vanilla' },
      ],
    ],
  },
  { category: 'home', code: 'DINNER4', name: 'Stoneware Dinner Set, 4 Place', weightLb: 9.5 },
  {
    category: 'home',
    code: 'SKILLET',
    name: 'Cast Iron Skillet',
    weightLb: 5.5,
    axes: [
      [
        { code: '10', label: '10 in' },
        { code: '12', label: '12 in', weightFactor: 1.45 },
      ],
    ],
  },
  { category: 'home', code: 'COOKSET', name: 'Stainless Cookware Set, 10 pc', weightLb: 22 },
  { category: 'home', code: 'FOODSTOR', name: 'Glass Food Storage Set', weightLb: 6 },
  {
    category: 'home',
    code: 'LAMP',
    name: 'Ceramic Table Lamp',
    weightLb: 6.5,
    axes: [colours('BRS', 'BLK')],
  },
  {
    category: 'home',
    code: 'RUG58',
    name: 'Flatweave Area Rug, 5x8',
    weightLb: 18,
    sizeClass: 'large',
    axes: [colours('GRY', 'BLU')],
  },
  {
    category: 'home',
    code: 'MIXER',
    name: 'Stand Mixer',
    weightLb: 24,
    sizeClass: 'large',
    axes: [colours('RED', 'SLV')],
  },
  { category: 'home', code: 'COFFEE12', name: 'Drip Coffee Maker, 12 Cup', weightLb: 7 },
  { category: 'home', code: 'KNIFEBLK', name: 'Knife Block Set', weightLb: 8.5 },
  { category: 'home', code: 'BINS3', name: 'Fabric Storage Bins 3-Pack', weightLb: 3.8 },
  { category: 'home', code: 'AIRFRESH', name: 'Air Freshener Aerosol', weightLb: 1.0, hazmat: true },
  { category: 'home', code: 'SPRAYPNT', name: 'Spray Paint, Matte Black', weightLb: 1.1, hazmat: true },
  // Electronics: 0.5–15 lb
  {
    category: 'electronics',
    code: 'EARBUDS',
    name: 'Wireless Earbuds',
    weightLb: 0.5,
    axes: [colours('BLK', 'WHT')],
  },
  {
    category: 'electronics',
    code: 'HEADPH',
    name: 'Over-Ear Headphones',
    weightLb: 1.2,
    axes: [colours('BLK', 'SLV')],
  },
  {
    category: 'electronics',
    code: 'SPEAKER',
    name: 'Portable Bluetooth Speaker',
    weightLb: 1.6,
    axes: [colours('BLK', 'BLU', 'RED')],
  },
  { category: 'electronics', code: 'CHGR65', name: 'USB-C Charger 65W', weightLb: 0.5 },
  {
    category: 'electronics',
    code: 'CABLE2M',
    name: 'USB-C Cable 2 m',
    weightLb: 0.5,
    axes: [colours('BLK', 'WHT')],
  },
  {
    category: 'electronics',
    code: 'AA24',
    name: 'AA Alkaline Batteries 24-Pack',
    weightLb: 1.4,
    hazmat: true,
  },
  { category: 'electronics', code: 'PWRBANK', name: 'Power Bank 20000 mAh', weightLb: 1.1, hazmat: true },
  {
    category: 'electronics',
    code: 'WATCH',
    name: 'Smart Watch',
    weightLb: 0.6,
    axes: [colours('BLK', 'SLV')],
  },
  {
    category: 'electronics',
    code: 'TAB10',
    name: '10-inch Tablet',
    weightLb: 1.9,
    axes: [
      [
        { code: '64', label: '64 GB' },
        { code: '128', label: '128 GB' },
      ],
    ],
  },
  {
    category: 'electronics',
    code: 'LAP14',
    name: '14-inch Laptop',
    weightLb: 4.6,
    axes: [
      [
        { code: '8G', label: '8 GB RAM' },
        { code: '16G', label: '16 GB RAM' },
      ],
    ],
  },
  { category: 'electronics', code: 'MON27', name: '27-inch Monitor', weightLb: 14, sizeClass: 'large' },
  { category: 'electronics', code: 'TV32', name: '32-inch Smart TV', weightLb: 12.5, sizeClass: 'large' },
  { category: 'electronics', code: 'ROUTER', name: 'Wi-Fi 6 Router', weightLb: 1.8 },
  { category: 'electronics', code: 'THERMO', name: 'Smart Thermostat', weightLb: 1.0 },
  { category: 'electronics', code: 'WEBCAM', name: 'HD Webcam', weightLb: 0.6 },
  { category: 'electronics', code: 'KEYBRD', name: 'Mechanical Keyboard', weightLb: 2.2 },
  {
    category: 'electronics',
    code: 'MOUSE',
    name: 'Wireless Mouse',
    weightLb: 0.5,
    axes: [colours('BLK', 'WHT')],
  },
  { category: 'electronics', code: 'EREADER', name: 'E-Reader', weightLb: 0.7 },
  { category: 'electronics', code: 'ACTCAM', name: 'Action Camera', weightLb: 0.8 },
  // Outdoor
  { category: 'outdoor', code: 'TENT4', name: 'Dome Tent, 4 Person', weightLb: 12, sizeClass: 'large' },
  { category: 'outdoor', code: 'SLEEPBAG', name: 'Sleeping Bag, 30°F', weightLb: 3.8 },
  { category: 'outdoor', code: 'PROPANE', name: 'Propane Canister 16 oz', weightLb: 1.0, hazmat: true },
  {
    category: 'outdoor',
    code: 'BOTTLE32',
    name: 'Insulated Bottle 32 oz',
    weightLb: 1.0,
    axes: [colours('BLK', 'BLU', 'GRN', 'SND')],
  },
  { category: 'outdoor', code: 'CAMPCHR', name: 'Folding Camp Chair', weightLb: 7 },
  { category: 'outdoor', code: 'COOLER45', name: 'Hard Cooler 45 qt', weightLb: 20, sizeClass: 'large' },
  { category: 'outdoor', code: 'BUGSPRAY', name: 'Insect Repellent Aerosol', weightLb: 0.6, hazmat: true },
  { category: 'outdoor', code: 'HEADLAMP', name: 'LED Headlamp', weightLb: 0.4 },
  // Beauty
  { category: 'beauty', code: 'SHAMPOO', name: 'Daily Shampoo 16 oz', weightLb: 1.2 },
  { category: 'beauty', code: 'COND', name: 'Daily Conditioner 16 oz', weightLb: 1.2 },
  {
    category: 'beauty',
    code: 'LOTION',
    name: 'Body Lotion 12 oz',
    weightLb: 0.9,
    axes: [
      [
        { code: 'UNS', label: 'Unscented' },
        { code: 'SHE', label: 'Shea' },
      ],
    ],
  },
  { category: 'beauty', code: 'DRYSHMP', name: 'Dry Shampoo Aerosol', weightLb: 0.5, hazmat: true },
  // Furniture: sold through the dropship vendor
  {
    category: 'furniture',
    code: 'SOFA3',
    name: 'Three-Seat Sofa',
    weightLb: 95,
    oversize: true,
    axes: [colours('GRY', 'BLU')],
  },
  {
    category: 'furniture',
    code: 'BEDQ',
    name: 'Platform Bed Frame, Queen',
    weightLb: 70,
    oversize: true,
    axes: [colours('OAK', 'WAL')],
  },
  {
    category: 'furniture',
    code: 'DINING6',
    name: 'Dining Table, Seats 6',
    weightLb: 85,
    oversize: true,
    axes: [colours('OAK', 'WAL')],
  },
  {
    category: 'furniture',
    code: 'DRESSER6',
    name: 'Six-Drawer Dresser',
    weightLb: 110,
    oversize: true,
    axes: [colours('OAK', 'WAL')],
  },
  { category: 'furniture', code: 'TVSTAND', name: 'Media Console, 60 in', weightLb: 62, oversize: true },
  {
    category: 'furniture',
    code: 'BOOKCS5',
    name: 'Bookcase, 5 Shelf',
    weightLb: 45,
    sizeClass: 'large',
    axes: [colours('OAK', 'WHT')],
  },
  {
    category: 'furniture',
    code: 'DESKCHR',
    name: 'Ergonomic Office Chair',
    weightLb: 38,
    sizeClass: 'large',
    axes: [colours('BLK', 'GRY')],
  },
  {
    category: 'furniture',
    code: 'ACCNTCHR',
    name: 'Accent Chair',
    weightLb: 30,
    sizeClass: 'large',
    axes: [colours('CRM', 'GRN')],
  },
  {
    category: 'furniture',
    code: 'COFFTBL',
    name: 'Coffee Table',
    weightLb: 35,
    sizeClass: 'large',
    axes: [colours('OAK', 'WAL')],
  },
  {
    category: 'furniture',
    code: 'NIGHTSTD',
    name: 'Nightstand',
    weightLb: 24,
    sizeClass: 'large',
    axes: [colours('OAK', 'WAL')],
  },
];
