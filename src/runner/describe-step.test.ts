import { describe, expect, it } from 'vitest';
import { describeStep } from './execute.js';

describe('describeStep: a step as reports show it', () => {
  it('never writes a PIN out, at the reader, on a smartphone or on the 在宅受付Web', () => {
    expect(describeStep({ 'enter-pin': '4826' })).toBe('enter-pin: ****');
    expect(describeStep({ 'place-phone': { persona: 'kazuko', carrier: 'android', pin: '5827' } })).toBe('place-phone: {"persona":"kazuko","carrier":"android","pin":"****"}');
    expect(describeStep({ 'home-consent-web': { patient: 'hanako', pin: '4826', consent: { pharmacy: true } } })).toBe(
      'home-consent-web: {"patient":"hanako","pin":"****","consent":{"pharmacy":true}}',
    );
  });

  it('shows a step without arguments by its name', () => {
    expect(describeStep({ 'home-link': null })).toBe('home-link');
    expect(describeStep({ 'home-fetch': { patient: 'hanako' } })).toBe('home-fetch: {"patient":"hanako"}');
  });
});
