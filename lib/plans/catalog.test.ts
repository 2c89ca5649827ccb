import { describe, expect, it } from 'vitest';
import { FEATURES, featureLabel } from './catalog';

describe('feature labels', () => {
  it('names catalog features by their label and keeps the vendor product\'s own keys', () => {
    expect(featureLabel('registry_access')).toBe(FEATURES.registry_access.label);
    expect(featureLabel('registry_access')).not.toBe('registry_access');
    expect(featureLabel('product.ha_mode')).toBe('product.ha_mode');
  });
});
