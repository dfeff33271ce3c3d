// Component tests share two cores with socket and Docker tests: give async queries time.
import { configure } from '@testing-library/dom';

configure({ asyncUtilTimeout: 5_000 });
