import { runPlatformContract } from '@aof/testkit';
import { createDiscordHarness } from './harness.js';

runPlatformContract(createDiscordHarness());
