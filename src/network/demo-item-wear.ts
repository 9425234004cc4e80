// Demo product families worn by customers (apparel, shoes): data only.

import type { ProductFamily } from './demo-item-families.ts';
import { CORE_SIZES, colours, LETTER_SIZES, SHOE_SIZES, WAIST_SIZES } from './demo-item-variants.ts';

export const WEAR_FAMILIES: readonly ProductFamily[] = [
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
];
