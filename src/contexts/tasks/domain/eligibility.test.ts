import { describe, expect, it } from 'vitest';
import { eligibilityOf, isEligible } from './eligibility.ts';

const req = (zone: string | null, requiredSkills: string[] = [], requiredEquipment: string[] = []) => ({ zone, requiredSkills, requiredEquipment });

describe('eligibility by zone, skill and equipment', () => {
  it('a worker with no profile takes only tasks that require nothing', () => {
    const none = eligibilityOf(undefined);
    expect(isEligible(req(null), none)).toBe(true);
    expect(isEligible(req('A'), none)).toBe(false);
    expect(isEligible(req(null, ['hazmat']), none)).toBe(false);
    expect(isEligible(req(null, [], ['reach-truck']), none)).toBe(false);
  });

  it('a profile without zones works every zone; with zones only those', () => {
    const anywhere = eligibilityOf({ zones: [], skills: [], equipment: [] });
    expect(isEligible(req('B'), anywhere)).toBe(true);
    const zoneA = eligibilityOf({ zones: ['A'], skills: [], equipment: [] });
    expect(isEligible(req('A'), zoneA)).toBe(true);
    expect(isEligible(req('B'), zoneA)).toBe(false);
    expect(isEligible(req(null), zoneA)).toBe(true);
  });

  it('needs every required skill and piece of equipment', () => {
    const e = eligibilityOf({ zones: [], skills: ['hazmat', 'count'], equipment: ['cart'] });
    expect(isEligible(req(null, ['hazmat'], ['cart']), e)).toBe(true);
    expect(isEligible(req(null, ['hazmat', 'forklift']), e)).toBe(false);
    expect(isEligible(req(null, [], ['cart', 'reach-truck']), e)).toBe(false);
  });
});
