import { runPlatformContract } from '@aof/testkit';
import { createSlackHarness } from './harness.js';

runPlatformContract(createSlackHarness());
