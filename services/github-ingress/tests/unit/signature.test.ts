import { isValidSignature } from '../../src/domain/signature';

// GitHub's documented example ("Validating webhook deliveries": secret, payload and the header).
const VECTOR = {
  secret: "It's a Secret to Everybody",
  payload: 'Hello, World!',
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};

describe('isValidSignature', () => {
  it("accepts GitHub's documented test vector", async () => {
    // Act + Assess
    await expect(isValidSignature(VECTOR.secret, VECTOR.payload, VECTOR.signature)).resolves.toBe(true);
  });

  it('refuses the vector under another secret, another body or a changed digit', async () => {
    // Prepare
    const flipped = `${VECTOR.signature.slice(0, -1)}8`;

    // Act + Assess
    await expect(isValidSignature('another secret', VECTOR.payload, VECTOR.signature)).resolves.toBe(false);
    await expect(isValidSignature(VECTOR.secret, 'Hello, World?', VECTOR.signature)).resolves.toBe(false);
    await expect(isValidSignature(VECTOR.secret, VECTOR.payload, flipped)).resolves.toBe(false);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['the SHA-1 header format', 'sha1=7d38cdd689735b008b3c702edd92eea23791c5f6'],
    ['a truncated digest', 'sha256=757107ea'],
    ['not hex', `sha256=${'z'.repeat(64)}`],
  ])('refuses %s without throwing', async (_name, signature) => {
    // Act + Assess
    await expect(isValidSignature(VECTOR.secret, VECTOR.payload, signature)).resolves.toBe(false);
  });
});
