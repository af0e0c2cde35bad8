import React from "react";
import { createRoot } from "react-dom/client";
import "./styles.css";
import { App } from "./ui/App";
import { themeFollow } from "./ui/theme";

themeFollow();
createRoot(document.getElementById("app")!).render(<App />);
