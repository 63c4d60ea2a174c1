import { describe, expect, it } from 'vitest';
import { apiBase } from './api-base.ts';

describe('apiBase', () => {
  it('takes the server address or the banner\'s API URL, with or without a trailing slash', () => {
    for (const given of ['http://localhost:8080', 'http://localhost:8080/', 'http://localhost:8080/api/v1', 'http://localhost:8080/api/v1/', ' http://localhost:8080/api/v1 ']) {
      expect(apiBase(given), given).toBe('http://localhost:8080');
    }
    // A PakLog behind a path prefix keeps it.
    expect(apiBase('https://wms.example.com/paklog/api/v1')).toBe('https://wms.example.com/paklog');
    expect(apiBase('https://wms.example.com/paklog/')).toBe('https://wms.example.com/paklog');
  });
});
