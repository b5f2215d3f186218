import { Designer } from "@/components/designer/Designer";

export default function Home() {
  return <Designer />;
}
