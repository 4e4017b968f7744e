import { join } from 'path';
import { startMotoServer } from '../support/moto-server';

// Where moto is not installed, the end-to-end test fails with the command that installs it.
describe('without moto', () => {
  const saved = process.env.MOTO_SERVER;
  afterEach(() => {
    if (saved === undefined) {
      delete process.env.MOTO_SERVER;
    } else {
      process.env.MOTO_SERVER = saved;
    }
  });

  test.each([
    ['a command that is not there', '/nonexistent/moto_server'],
    ['a pyenv shim of a Python without moto (exit 127)', join(__dirname, '..', 'support', 'exit-127.sh')],
  ])('%s: the error names pip install "moto[server]>=5.1"', async (_name, command) => {
    // GIVEN
    process.env.MOTO_SERVER = command;
    // WHEN / THEN
    await expect(startMotoServer()).rejects.toThrow(/moto_server is not installed[^\n]*pip install "moto\[server\]>=5\.1"/);
  });
});
