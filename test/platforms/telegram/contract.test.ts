import { runPlatformContract } from '@aof/testkit';
import { createTelegramHarness } from './harness.js';

runPlatformContract(createTelegramHarness());
