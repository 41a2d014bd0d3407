// Integration tests run against the deployed stack.
describe('Orders API integration', () => {
  test('Dont forget!', async () => {
    expect(false).toBe(true);
  });
});
